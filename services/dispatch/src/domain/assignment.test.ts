import t from 'tap';
import { newlyReachedHubs, planEscort, planQuickSearch, planSighting, planWidening, taskIds } from './assignment.js';
import { ctx, directory, GUANDU_POINT, NOW } from './fixtures.test-helper.js';

const activation = {
  caseId: 'case-1',
  alertId: 'alert-1',
  lastSeen: { ...GUANDU_POINT, at: NOW.toISOString() },
  radiusKm: 50,
  activatedAt: NOW.toISOString(),
};

t.test('given a quick-search activation, then interception at every hub in reach plus search, video and DNA', async (t) => {
  const tasks = planQuickSearch(activation, ctx);
  t.same(
    tasks.map((p) => [p.kind, p.event.data.commandCenterId]),
    [
      ['interception', 'cc-kunming-guandu'],
      ['interception', 'cc-kunming'],
      ['area-search', 'cc-kunming-guandu'],
      ['video-review', 'cc-kunming-guandu'],
      ['dna-sampling', 'cc-kunming-guandu'],
    ],
    'hubs go to their own centers, the rest to the last-seen region',
  );
  const interception = tasks[0]!.event;
  t.equal(interception.type, 'InterceptionTaskAssigned');
  if (interception.type === 'InterceptionTaskAssigned') {
    t.equal(interception.data.hub.id, 'hub-station');
    t.ok(interception.data.distanceKm > 6 && interception.data.distanceKm < 8, 'distance recorded');
    t.equal(interception.data.deadlineAt, '2026-11-22T10:05:00.000Z', 'interception deadline is five minutes');
  }
  const dna = tasks[4]!.event;
  t.match(dna, { type: 'DnaSamplingTaskAssigned', data: { subject: 'missing-child-parents', deadlineAt: '2026-11-22T10:30:00.000Z' } });
});

t.test('the same activation twice gives the same task ids (no duplicates on redelivery)', async (t) => {
  t.same(
    planQuickSearch(activation, ctx).map((p) => p.taskId),
    planQuickSearch(activation, { ...ctx, now: new Date(NOW.getTime() + 1000) }).map((p) => p.taskId),
  );
  t.not(taskIds.interception('case-1', 'hub-station'), taskIds.interception('case-2', 'hub-station'), 'ids are per case');
});

t.test('given the radius widens, then only the newly reached hubs get interception tasks', async (t) => {
  const widened = { caseId: 'case-1', alertId: 'alert-1', center: GUANDU_POINT, fromKm: 50, toKm: 200, dueAt: NOW.toISOString() };
  const tasks = planWidening(widened, ctx);
  t.same(
    tasks.map((p) => p.kind),
    ['interception'],
  );
  t.same(
    tasks.map((p) => p.taskId),
    [taskIds.interception('case-1', 'hub-qujing')],
  );
  t.match(tasks[0]!.event, { data: { commandCenterId: 'cc-yunnan', radiusKm: 200 } });
  const first = planQuickSearch(activation, ctx).map((p) => p.taskId);
  t.notOk(
    tasks.some((p) => first.includes(p.taskId)),
    'no hub tasked twice across activation and widening',
  );
});

t.test('a widening that reaches no new hub plans nothing', async (t) => {
  t.same(newlyReachedHubs(directory, GUANDU_POINT, 50, 100), []);
  t.same(planWidening({ caseId: 'c', alertId: 'a', center: GUANDU_POINT, fromKm: 50, toKm: 100, dueAt: NOW.toISOString() }, ctx), []);
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

t.test('given a quick search, when a sighting is confirmed 120 km away, then interception at the new hubs only, no repeats', async (t) => {
  const first = planQuickSearch(activation, ctx).map((p) => p.taskId);
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
  const planned = planSighting(sighting, ctx);
  t.same(
    planned.map((p) => p.taskId),
    [taskIds.interception('case-1', 'hub-qujing')],
    'the hub near the sighting is tasked',
  );
  const closeBy = planSighting({ ...sighting, lastSeen: { ...sighting.lastSeen, ...GUANDU_POINT } }, ctx).map((p) => p.taskId);
  t.ok(
    closeBy.every((id) => first.includes(id)),
    'a sighting near the old place tasks only hubs that already have their task, which the no-stream append leaves as they are',
  );
});
