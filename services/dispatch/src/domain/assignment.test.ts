import t from 'tap';
import { newlyReachedHubs, planEscort, planQuickSearch, planSighting, planWidening, taskIds, type SearchPlan } from './assignment.js';
import { ctx, directory, GUANDU_POINT, NOW } from './fixtures.test-helper.js';

const activation = {
  caseId: 'case-1',
  alertId: 'alert-1',
  lastSeen: { ...GUANDU_POINT, at: NOW.toISOString() },
  radiusKm: 50,
  activatedAt: NOW.toISOString(),
};

const hubIds = (plan: SearchPlan) => plan.interceptions?.hubs.map((h) => h.hub.id) ?? [];

t.test('given a quick-search activation, then interception at every hub in reach plus search, video and DNA', async (t) => {
  const plan = planQuickSearch(activation, ctx);
  t.same(
    plan.tasks.map((p) => [p.kind, p.event.data.commandCenterId]),
    [
      ['area-search', 'cc-kunming-guandu'],
      ['video-review', 'cc-kunming-guandu'],
      ['dna-sampling', 'cc-kunming-guandu'],
    ],
    'the search and the sampling go to the last-seen region',
  );
  t.same(hubIds(plan), ['hub-station', 'hub-airport'], 'every hub within the radius, nearest first');
  t.match(plan.interceptions, { caseId: 'case-1', radiusKm: 50, now: NOW });
  t.match(plan.tasks[2]!.event, {
    type: 'DnaSamplingTaskAssigned',
    data: { subject: 'missing-child-parents', deadlineAt: '2026-11-22T10:30:00.000Z' },
  });
});

t.test('the same activation twice gives the same task ids (no duplicates on redelivery)', async (t) => {
  t.same(
    planQuickSearch(activation, ctx).tasks.map((p) => p.taskId),
    planQuickSearch(activation, { ...ctx, now: new Date(NOW.getTime() + 1000) }).tasks.map((p) => p.taskId),
  );
  t.not(taskIds.interception('case-1', 'hub-station'), taskIds.interception('case-2', 'hub-station'), 'ids are per case');
});

t.test('given the radius widens, then interception only at the hubs the new ring reaches', async (t) => {
  const widened = { caseId: 'case-1', alertId: 'alert-1', center: GUANDU_POINT, fromKm: 50, toKm: 200, dueAt: NOW.toISOString() };
  const plan = planWidening(widened, ctx);
  t.same(plan.tasks, []);
  t.same(hubIds(plan), ['hub-qujing']);
  t.match(plan.interceptions, { radiusKm: 200 });
});

t.test('a widening that reaches no new hub plans nothing', async (t) => {
  t.same(newlyReachedHubs(directory, GUANDU_POINT, 50, 100), []);
  t.same(planWidening({ caseId: 'c', alertId: 'a', center: GUANDU_POINT, fromKm: 50, toKm: 100, dueAt: NOW.toISOString() }, ctx), {
    tasks: [],
    interceptions: null,
  });
});

t.test('given a handover to civil affairs, then the escort goes to the center of the child location', async (t) => {
  const task = planEscort(
    {
      caseId: 'case-1',
      handoverId: 'h-1',
      institution: { id: 'ca-1', name: 'Welfare', kind: 'children-welfare' },
      foundInHouseholdId: 'household-1',
      placement: { kind: 'institution', id: 'ca-1' },
      childLocation: { lat: 25.0, lon: 103.6, regionCode: '530322' },
      materials: ['file'],
      initiatedAt: NOW.toISOString(),
    },
    ctx,
  );
  t.equal(task.kind, 'escort');
  t.match(task.event, { type: 'EscortTaskAssigned', data: { commandCenterId: 'cc-yunnan', institutionId: 'ca-1', handoverId: 'h-1' } });
  t.equal(task.taskId, taskIds.escort('case-1', 'h-1'));
});

t.test('given a sighting confirmed 120 km away, then interception at the hubs in reach of it', async (t) => {
  const sighting = {
    caseId: 'case-1',
    alertId: 'alert-1',
    tipId: 'tip-1',
    taskId: 'lead-1',
    lastSeen: { at: NOW.toISOString(), lat: 25.5, lon: 103.7, regionCode: '530300' },
    previousLastSeen: activation.lastSeen,
    radiusKm: 50,
    confirmedAt: NOW.toISOString(),
  };
  const plan = planSighting(sighting, ctx);
  t.same(plan.tasks, []);
  t.same(hubIds(plan), ['hub-qujing'], 'the hub near the sighting');
});
