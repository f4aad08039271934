import type { EventData } from '@rapid-search/events';
import t from 'tap';
import { taskIds } from './assignment.js';
import { Directory, type CommandCenter } from './directory.js';
import { ctx, NOW } from './fixtures.test-helper.js';
import { evolveLeads, noLeads, planTip, type CaseLeads } from './leads.js';

const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000).toISOString();
const tip = (tipId: string, place: { lat: number; lon: number; regionCode?: string }, seenAt = minutes(-10)): EventData<'TipReceived'> => ({
  tipId,
  alertId: 'alert-1',
  caseId: 'case-1',
  seenAt,
  place: { ...place, address: 'Guandu square' },
  description: 'a girl in a red coat with two adults',
  contact: { phone: '+8613800000000', mayCall: true },
  via: { channel: 'public' },
  receivedAt: NOW.toISOString(),
});
const SQUARE = { lat: 24.96, lon: 102.76 };
/** ~0.9 km and ~1.3 km north of the square. */
const NEAR = { lat: 24.968, lon: 102.76 };
const FAR = { lat: 24.972, lon: 102.76 };

/** The tips decided in turn, each folded into the case's leads before the next, as the consumer does. */
function decideAll(tips: EventData<'TipReceived'>[], from: CaseLeads = noLeads()) {
  let leads = from;
  const decisions = tips.map((received) => {
    const decision = planTip(received, leads, ctx);
    if (decision.kind === 'assign') leads = evolveLeads(leads, decision.task.event);
    if (decision.kind === 'link') leads = evolveLeads(leads, decision.event);
    return decision;
  });
  return { decisions, leads };
}

t.test('given a tip with a region code, when it is planned, then the most local centre of that region verifies it', async (t) => {
  const [decision] = decideAll([tip('tip-1', { ...SQUARE, regionCode: '530111' })]).decisions;
  t.match(decision, {
    kind: 'assign',
    task: {
      taskId: taskIds.leadVerification('case-1', 'tip-1'),
      kind: 'lead-verification',
      event: {
        type: 'LeadVerificationTaskAssigned',
        data: {
          commandCenterId: 'cc-kunming-guandu',
          alertId: 'alert-1',
          tipId: 'tip-1',
          deadlineAt: minutes(30),
          tip: { address: 'Guandu square' },
        },
      },
    },
  });
  t.notMatch(JSON.stringify(decision), /13800000000|mayCall|contact/, 'the tipster’s contact stays out of the task');
});

t.test('given a tip without a region code, when it is planned, then the nearest centre of the lowest level verifies it', async (t) => {
  const at = (id: string, level: CommandCenter['level'], lat: number, parentId: string | null): CommandCenter => ({
    id,
    name: id,
    level,
    regionCode: id === 'nation' ? '100000' : '530000',
    parentId,
    lat,
    lon: 102.7,
    jurisdiction: [],
  });
  const world = new Directory(
    [at('nation', 'national', 24.96, null), at('north', 'county', 25.5, 'nation'), at('south', 'county', 24.5, 'nation')],
    [],
  );
  const decision = planTip(tip('tip-1', { lat: 24.6, lon: 102.7 }), noLeads(), { ...ctx, directory: world });
  t.match(decision, { kind: 'assign', task: { event: { data: { commandCenterId: 'south' } } } }, 'a county centre, not the nearer national one');
});

t.test('given an open lead, when a tip comes within 1 km and 30 minutes, then it links to the lead with the count', async (t) => {
  const { decisions } = decideAll([tip('tip-1', SQUARE), tip('tip-2', NEAR, minutes(15)), tip('tip-3', SQUARE, minutes(-30))]);
  const lead = taskIds.leadVerification('case-1', 'tip-1');
  t.same(
    decisions.map((d) => d.kind),
    ['assign', 'link', 'link'],
  );
  t.match(decisions[1], { kind: 'link', taskId: lead, event: { type: 'TipLinkedToLead', data: { tipId: 'tip-2', linkedTips: 1 } } });
  t.match(decisions[2], { kind: 'link', taskId: lead, event: { data: { tipId: 'tip-3', linkedTips: 2, distanceKm: 0 } } });
});

t.test('given an open lead, when a tip comes beyond 1 km or 30 minutes, then it opens a lead of its own', async (t) => {
  const { decisions } = decideAll([tip('tip-1', SQUARE), tip('tip-2', FAR), tip('tip-3', SQUARE, minutes(25))]);
  t.same(
    decisions.map((d) => d.kind),
    ['assign', 'assign', 'assign'],
  );
});

t.test('given a completed lead, when a tip comes close to it, then it opens a new lead', async (t) => {
  const { leads } = decideAll([tip('tip-1', SQUARE)]);
  const taskId = taskIds.leadVerification('case-1', 'tip-1');
  const done = evolveLeads(leads, {
    type: 'TaskCompleted',
    data: { taskId, caseId: 'case-1', commandCenterId: 'cc-kunming-guandu', outcome: 'dismissed', completedBy: 'c', completedAt: NOW.toISOString() },
  });
  t.match(planTip(tip('tip-2', SQUARE), done, ctx), { kind: 'assign' });
});

t.test('given tips already handled, when they are delivered again, then nothing more is decided', async (t) => {
  const { leads } = decideAll([tip('tip-1', SQUARE), tip('tip-2', NEAR)]);
  t.same(
    decideAll([tip('tip-1', SQUARE), tip('tip-2', NEAR)], leads).decisions.map((d) => d.kind),
    ['handled', 'handled'],
    'neither the lead’s own tip nor the linked tip is decided twice',
  );
});
