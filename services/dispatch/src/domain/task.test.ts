import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import { DEFAULT_ACK_DEADLINES } from './deadlines.js';
import { directory, NOW } from './fixtures.test-helper.js';
import { decideAcknowledge, decideComplete, decideEscalation, replayTask } from './task.js';

const assigned: DomainEvent = {
  type: 'InterceptionTaskAssigned',
  data: {
    taskId: 'task-1',
    caseId: 'case-1',
    commandCenterId: 'cc-kunming-guandu',
    assignedAt: NOW.toISOString(),
    deadlineAt: '2026-11-22T10:05:00.000Z',
    hub: { id: 'hub-station', name: 'Station', kind: 'railway', lat: 25.02, lon: 102.72, regionCode: '530111' },
    distanceKm: 6.7,
    radiusKm: 50,
  },
};
const guanduConsole = { id: 'console-guandu', role: 'console' as const, commandCenterId: 'cc-kunming-guandu' };
const kunmingConsole = { id: 'console-kunming', role: 'console' as const, commandCenterId: 'cc-kunming' };
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const parentOf = (id: string) => directory.parentOf(id)?.id ?? null;
const escalate = (events: DomainEvent[], minutes: number) =>
  decideEscalation(replayTask(events), { now: at(minutes), parentOf, deadlines: DEFAULT_ACK_DEADLINES });

t.test('given an assigned task, when its own center acknowledges, then TaskAcknowledged', async (t) => {
  const events = decideAcknowledge(replayTask([assigned]), { taskId: 'task-1', actor: guanduConsole, now: at(1) });
  t.match(events, [{ type: 'TaskAcknowledged', data: { taskId: 'task-1', commandCenterId: 'cc-kunming-guandu', acknowledgedBy: 'console-guandu' } }]);
});

t.test('when another center acknowledges, then TASK_NOT_YOURS', async (t) => {
  t.throws(() => decideAcknowledge(replayTask([assigned]), { taskId: 'task-1', actor: kunmingConsole, now: at(1) }), { code: 'TASK_NOT_YOURS', status: 403 });
});

t.test('when the task does not exist, then NOT_FOUND', async (t) => {
  t.throws(() => decideAcknowledge(null, { taskId: 'nope', actor: guanduConsole, now: at(1) }), { code: 'NOT_FOUND', status: 404 });
});

t.test('given a completed task, acknowledging or completing again is refused', async (t) => {
  const [done] = decideComplete(replayTask([assigned]), { taskId: 'task-1', actor: guanduConsole, outcome: 'nothing seen', now: at(2) });
  t.match(done, { type: 'TaskCompleted', data: { outcome: 'nothing seen', completedBy: 'console-guandu' } });
  const state = replayTask([assigned, done!]);
  t.throws(() => decideAcknowledge(state, { taskId: 'task-1', actor: guanduConsole, now: at(3) }), { code: 'TASK_ALREADY_COMPLETED' });
  t.throws(() => decideComplete(state, { taskId: 'task-1', actor: guanduConsole, outcome: 'x', now: at(3) }), { code: 'TASK_ALREADY_COMPLETED' });
});

t.test('given an acknowledged task, a second acknowledgement is refused', async (t) => {
  const acked = decideAcknowledge(replayTask([assigned]), { taskId: 'task-1', actor: guanduConsole, now: at(1) });
  t.throws(() => decideAcknowledge(replayTask([assigned, ...acked]), { taskId: 'task-1', actor: guanduConsole, now: at(2) }), {
    code: 'TASK_ALREADY_ACKNOWLEDGED',
  });
});

t.test('before the deadline nothing is escalated', async (t) => {
  t.same(escalate([assigned], 4.9), []);
});

t.test('past the deadline an unacknowledged task goes one level up with a new deadline', async (t) => {
  const events = escalate([assigned], 5);
  t.match(events, [
    {
      type: 'TaskEscalated',
      data: {
        fromCommandCenterId: 'cc-kunming-guandu',
        toCommandCenterId: 'cc-kunming',
        missedDeadlineAt: '2026-11-22T10:05:00.000Z',
        deadlineAt: '2026-11-22T10:10:00.000Z',
      },
    },
  ]);
  t.equal(replayTask([assigned, ...events])?.commandCenterId, 'cc-kunming', 'the task now belongs to the center above');
});

t.test('escalation repeats up the chain until the national center, then stops', async (t) => {
  const history: DomainEvent[] = [assigned];
  const chain: string[] = [];
  for (let minutes = 5; minutes <= 40; minutes += 5) {
    const events = escalate(history, minutes);
    history.push(...events);
    for (const e of events) if (e.type === 'TaskEscalated') chain.push(e.data.toCommandCenterId);
  }
  t.same(chain, ['cc-kunming', 'cc-yunnan', 'cc-mps-cid']);
});

t.test('an acknowledged task is never escalated; after escalation the old center may no longer act', async (t) => {
  const acked = decideAcknowledge(replayTask([assigned]), { taskId: 'task-1', actor: guanduConsole, now: at(1) });
  t.same(escalate([assigned, ...acked], 60), []);
  const escalated = escalate([assigned], 5);
  t.throws(() => decideAcknowledge(replayTask([assigned, ...escalated]), { taskId: 'task-1', actor: guanduConsole, now: at(6) }), {
    code: 'TASK_NOT_YOURS',
  });
  t.match(decideAcknowledge(replayTask([assigned, ...escalated]), { taskId: 'task-1', actor: kunmingConsole, now: at(6) }), [
    { type: 'TaskAcknowledged', data: { commandCenterId: 'cc-kunming' } },
  ]);
});
