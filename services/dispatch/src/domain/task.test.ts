import t from 'tap';
import type { Actor, DomainEvent } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { DEFAULT_ACK_DEADLINES } from './deadlines.js';
import { directory, interceptionStep, NOW } from './fixtures.test-helper.js';
import { taskDecider, type TaskCommand } from './task.js';

const hub = { id: 'hub-station', name: 'Station', kind: 'railway' as const, lat: 25.02, lon: 102.72, regionCode: '530111' };
/** task-1 at Guandu's station, assigned with a task of Kunming's in one step of the search. */
const assigned = interceptionStep(
  [
    ['task-0', 'cc-kunming', 'hub-airport', 20],
    ['task-1', 'cc-kunming-guandu', 'hub-station', 6.7],
  ],
  50,
);
/** The same task as stores written before the grouped assignment hold it, in its own stream. */
const assignedAlone: DomainEvent = {
  type: 'InterceptionTaskAssigned',
  data: {
    taskId: 'task-1',
    caseId: 'case-1',
    commandCenterId: 'cc-kunming-guandu',
    assignedAt: NOW.toISOString(),
    deadlineAt: '2026-11-22T10:05:00.000Z',
    hub,
    distanceKm: 6.7,
    radiusKm: 50,
  },
};
const guanduConsole = { id: 'console-guandu', role: 'console' as const, commandCenterId: 'cc-kunming-guandu' };
const kunmingConsole = { id: 'console-kunming', role: 'console' as const, commandCenterId: 'cc-kunming' };
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const parentOf = (id: string) => directory.parentOf(id)?.id ?? null;
const acknowledge = (actor: Actor, minutes: number, taskId = 'task-1'): TaskCommand => ({ kind: 'Acknowledge', taskId, actor, now: at(minutes) });
const complete = (outcome: string, minutes: number): TaskCommand => ({
  kind: 'Complete',
  taskId: 'task-1',
  actor: guanduConsole,
  outcome,
  now: at(minutes),
});
const escalate = (minutes: number): TaskCommand => ({ kind: 'Escalate', now: at(minutes), parentOf, deadlines: DEFAULT_ACK_DEADLINES });
const task = spec(taskDecider('task-1'));

t.test('given an assigned task, when its own center acknowledges, then TaskAcknowledged', async (t) => {
  task(t)
    .given([assigned])
    .when(acknowledge(guanduConsole, 1))
    .thenMatches([{ type: 'TaskAcknowledged', data: { taskId: 'task-1', commandCenterId: 'cc-kunming-guandu', acknowledgedBy: 'console-guandu' } }]);
});

t.test('given a task assigned alone in its own stream, when its own center acknowledges, then TaskAcknowledged', async (t) => {
  task(t)
    .given([assignedAlone])
    .when(acknowledge(guanduConsole, 1))
    .thenMatches([{ type: 'TaskAcknowledged', data: { taskId: 'task-1', caseId: 'case-1', commandCenterId: 'cc-kunming-guandu' } }]);
});

t.test('given a step that assigned other tasks only, when task-2 is acknowledged, then NOT_FOUND', async (t) => {
  spec(taskDecider('task-2'))(t)
    .given([assigned])
    .when(acknowledge(guanduConsole, 1, 'task-2'))
    .thenThrows({ code: 'NOT_FOUND', status: 404 });
});

t.test('given an assigned task, when another center acknowledges, then TASK_NOT_YOURS', async (t) => {
  task(t).given([assigned]).when(acknowledge(kunmingConsole, 1)).thenThrows({ code: 'TASK_NOT_YOURS', status: 403 });
});

t.test('given no task, when it is acknowledged, then NOT_FOUND', async (t) => {
  task(t)
    .given([])
    .when(acknowledge(guanduConsole, 1, 'nope'))
    .thenThrows({ code: 'NOT_FOUND', status: 404 });
});

t.test('given a completed task, when it is acknowledged or completed again, then it is refused', async (t) => {
  const completion = task(t).given([assigned]).when(complete('nothing seen', 2));
  completion.thenMatches([{ type: 'TaskCompleted', data: { outcome: 'nothing seen', completedBy: 'console-guandu' } }]);
  const done = [assigned, ...completion.events];
  task(t).given(done).when(acknowledge(guanduConsole, 3)).thenThrows('TASK_ALREADY_COMPLETED');
  task(t).given(done).when(complete('x', 3)).thenThrows('TASK_ALREADY_COMPLETED');
});

t.test('given an acknowledged task, when it is acknowledged again, then it is refused', async (t) => {
  const acked = task(t).given([assigned]).when(acknowledge(guanduConsole, 1)).events;
  task(t)
    .given([assigned, ...acked])
    .when(acknowledge(guanduConsole, 2))
    .thenThrows('TASK_ALREADY_ACKNOWLEDGED');
});

t.test('given an assigned task, when its deadline has not passed, then nothing is escalated', async (t) => {
  task(t).given([assigned]).when(escalate(4.9)).thenNothingHappened();
});

t.test('given an unacknowledged task, when its deadline passes, then it goes one level up with a new deadline', async (t) => {
  const escalation = task(t).given([assigned]).when(escalate(5));
  escalation.thenMatches([
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
  escalation.thenState({ commandCenterId: 'cc-kunming' }, 'the task now belongs to the center above');
});

t.test('given a task nobody acknowledges, when each deadline passes, then it climbs the chain to the national center and stops', async (t) => {
  const history: DomainEvent[] = [assigned];
  const chain: string[] = [];
  for (let minutes = 5; minutes <= 40; minutes += 5) {
    const events = task(t).given(history).when(escalate(minutes)).events;
    history.push(...events);
    for (const e of events) if (e.type === 'TaskEscalated') chain.push(e.data.toCommandCenterId);
  }
  t.same(chain, ['cc-kunming', 'cc-yunnan', 'cc-mps-cid']);
});

t.test('given an acknowledged task, then it is never escalated; given an escalated one, then only the center above may act', async (t) => {
  const acked = task(t).given([assigned]).when(acknowledge(guanduConsole, 1)).events;
  task(t)
    .given([assigned, ...acked])
    .when(escalate(60))
    .thenNothingHappened();
  const escalated = [assigned, ...task(t).given([assigned]).when(escalate(5)).events];
  task(t).given(escalated).when(acknowledge(guanduConsole, 6)).thenThrows('TASK_NOT_YOURS');
  task(t)
    .given(escalated)
    .when(acknowledge(kunmingConsole, 6))
    .thenMatches([{ type: 'TaskAcknowledged', data: { commandCenterId: 'cc-kunming' } }]);
});

const lead: DomainEvent = {
  type: 'LeadVerificationTaskAssigned',
  data: {
    taskId: 'task-1',
    caseId: 'case-1',
    alertId: 'alert-1',
    tipId: 'tip-1',
    commandCenterId: 'cc-kunming-guandu',
    assignedAt: NOW.toISOString(),
    deadlineAt: '2026-11-22T10:30:00.000Z',
    tip: { description: 'seen at the square', lat: 24.96, lon: 102.76, seenAt: NOW.toISOString() },
  },
};

t.test('given a lead-verification task, when it is completed with a lead outcome, then TaskCompleted names the tip', async (t) => {
  task(t)
    .given([lead])
    .when(complete('sighting-confirmed', 5))
    .thenMatches([{ type: 'TaskCompleted', data: { outcome: 'sighting-confirmed', tipId: 'tip-1' } }]);
});

t.test('given a lead-verification task, when it is completed with another outcome, then 400 naming outcome', async (t) => {
  task(t)
    .given([lead])
    .when(complete('nothing seen', 5))
    .thenThrows({ code: 'VALIDATION_FAILED', status: 400, message: /outcome/ });
});
