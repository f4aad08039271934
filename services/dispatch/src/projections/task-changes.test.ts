import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import { directory, interceptionStep, NOW } from '../domain/fixtures.test-helper.js';
import { taskChanges, tasksToLoad, type Decoded, type TaskRow, type TasksBefore } from './task-changes.js';

const at = NOW.toISOString();
const DEADLINE = '2026-11-22T10:05:00.000Z';
const NEXT_DEADLINE = '2026-11-22T10:10:00.000Z';

/** An event as the projection reads it back from the store, at a position. */
const recorded = (event: DomainEvent, position: number, exercise = false): Decoded => {
  const { taskId, caseId } = event.data as { taskId?: string; caseId: string };
  return {
    event,
    stored: {
      eventId: `event-${position}`,
      type: event.type,
      version: 1,
      streamId: taskId ? `task-${taskId}` : `interceptions-${caseId}`,
      streamVersion: position,
      position,
      caseId,
      metadata: { actor: { id: 'dispatch', role: 'system' }, correlationId: caseId, causationId: null, ...(exercise ? { exercise } : {}) },
      occurredAt: at,
      recordedAt: at,
      data: event.data,
    },
  };
};
const assigned = (taskId: string, commandCenterId: string): DomainEvent => ({
  type: 'DnaSamplingTaskAssigned',
  data: { taskId, caseId: 'case-1', commandCenterId, assignedAt: at, deadlineAt: DEADLINE, subject: 'missing-child-parents' },
});
const acknowledged = (taskId: string, commandCenterId: string): DomainEvent => ({
  type: 'TaskAcknowledged',
  data: { taskId, caseId: 'case-1', commandCenterId, acknowledgedBy: 'console', acknowledgedAt: at },
});
const escalated = (taskId: string, from: string, to: string): DomainEvent => ({
  type: 'TaskEscalated',
  data: {
    taskId,
    caseId: 'case-1',
    fromCommandCenterId: from,
    toCommandCenterId: to,
    reason: 'not-acknowledged',
    missedDeadlineAt: DEADLINE,
    deadlineAt: NEXT_DEADLINE,
    escalatedAt: at,
  },
});
/** Task t1 as the read models hold it after its assignment to Guandu at position 1. */
const row = (overrides: Partial<TaskRow> = {}): TaskRow => ({
  task_id: 't1',
  case_id: 'case-1',
  kind: 'dna-sampling',
  command_center_id: 'cc-kunming-guandu',
  status: 'assigned',
  deadline_at: DEADLINE,
  assigned_at: at,
  details: {},
  position: 1,
  exercise: false,
  ...overrides,
});
const nothingBefore: TasksBefore = { rows: new Map(), centers: new Map() };
const assignedBefore = (overrides: Partial<TaskRow> = {}): TasksBefore => ({
  rows: new Map([['t1', row(overrides)]]),
  centers: new Map([['t1', new Set(['cc-kunming-guandu'])]]),
});

t.test('given no task, when one is assigned, then it is created, seen by its center and delivered to it', async (t) => {
  const changes = taskChanges([recorded(assigned('t1', 'cc-kunming-guandu'), 7)], nothingBefore, directory);
  t.match(changes.rows, [
    { task_id: 't1', kind: 'dna-sampling', status: 'assigned', deadline_at: DEADLINE, position: 7, details: { type: 'DnaSamplingTaskAssigned' } },
  ]);
  t.same([...changes.created], ['t1']);
  t.same(changes.visibility, [['cc-kunming-guandu', 't1']]);
  t.same(changes.feed, [['cc-kunming-guandu', 7]]);
  t.match(changes.deliveries, [{ stored: { position: 7 }, centers: ['cc-kunming-guandu'] }]);
});

t.test('given a drill, when its task is assigned, then the row is marked a drill; a real one is not', async (t) => {
  const changes = taskChanges(
    [recorded(assigned('t1', 'cc-kunming-guandu'), 7, true), recorded(assigned('t2', 'cc-kunming-guandu'), 8)],
    nothingBefore,
    directory,
  );
  t.match(changes.rows, [
    { task_id: 't1', exercise: true },
    { task_id: 't2', exercise: false },
  ]);
});

t.test('given the center at the top of the chain, when a task is assigned to it, then it has no deadline', async (t) => {
  const changes = taskChanges([recorded(assigned('t1', 'cc-mps-cid'), 1)], nothingBefore, directory);
  t.equal(changes.rows[0]?.deadline_at, null, 'there is nowhere to escalate it to');
});

t.test('given an assigned task, when it is acknowledged, then it has no deadline and the centers that see it are told', async (t) => {
  const changes = taskChanges([recorded(acknowledged('t1', 'cc-kunming-guandu'), 9)], assignedBefore(), directory);
  t.match(changes.rows, [{ task_id: 't1', status: 'acknowledged', deadline_at: null, position: 9 }]);
  t.same([...changes.created], [], 'an update, not an insert');
  t.same(changes.visibility, [], 'no center sees it anew');
  t.same(changes.feed, [['cc-kunming-guandu', 9]]);
});

t.test('given an assigned task, when it is escalated, then the center above takes it and the first keeps watching', async (t) => {
  const changes = taskChanges([recorded(escalated('t1', 'cc-kunming-guandu', 'cc-kunming'), 9)], assignedBefore(), directory);
  t.match(changes.rows, [{ command_center_id: 'cc-kunming', status: 'assigned', deadline_at: NEXT_DEADLINE }]);
  t.same(changes.visibility, [['cc-kunming', 't1']]);
  t.same(changes.feed, [
    ['cc-kunming-guandu', 9],
    ['cc-kunming', 9],
  ]);
  t.match(changes.deliveries, [{ centers: ['cc-kunming-guandu', 'cc-kunming'] }]);
});

t.test('given an acknowledged task, when an escalation decided earlier arrives, then it moves without a deadline', async (t) => {
  const changes = taskChanges(
    [recorded(escalated('t1', 'cc-kunming-guandu', 'cc-kunming'), 9)],
    assignedBefore({ status: 'acknowledged', deadline_at: null }),
    directory,
  );
  t.match(changes.rows, [{ command_center_id: 'cc-kunming', status: 'acknowledged', deadline_at: null }]);
});

t.test('given one batch assigning and acknowledging a task, then it is created once, at its latest state', async (t) => {
  const batch = [recorded(assigned('t1', 'cc-kunming-guandu'), 3), recorded(acknowledged('t1', 'cc-kunming-guandu'), 4)];
  const changes = taskChanges(batch, nothingBefore, directory);
  t.match(changes.rows, [{ task_id: 't1', status: 'acknowledged', position: 4 }]);
  t.equal(changes.rows.length, 1);
  t.same([...changes.created], ['t1']);
  t.same(changes.feed, [
    ['cc-kunming-guandu', 3],
    ['cc-kunming-guandu', 4],
  ]);
  t.equal(changes.deliveries.length, 2);
});

t.test('given no row for a task, when an event of it arrives, then nothing changes and no console is sent it', async (t) => {
  const changes = taskChanges([recorded(acknowledged('t-unknown', 'cc-kunming-guandu'), 5)], nothingBefore, directory);
  t.same(changes, { rows: [], created: new Set(), visibility: [], feed: [], deliveries: [] });
});

t.test('given a batch, then only the tasks it changes but does not assign are read first, each once', async (t) => {
  const batch = [
    recorded(assigned('t2', 'cc-kunming'), 1),
    recorded(acknowledged('t1', 'cc-kunming-guandu'), 2),
    recorded(escalated('t1', 'cc-kunming-guandu', 'cc-kunming'), 3),
  ];
  t.same(tasksToLoad(batch), ['t1']);
});

t.test('given what the read models held, when a batch is projected, then that is left as it was', async (t) => {
  const before = assignedBefore();
  taskChanges([recorded(escalated('t1', 'cc-kunming-guandu', 'cc-kunming'), 9)], before, directory);
  t.same([...before.centers.get('t1')!], ['cc-kunming-guandu']);
  t.equal(before.rows.get('t1')?.command_center_id, 'cc-kunming-guandu');
});

const interceptions = interceptionStep([
  ['i1', 'cc-kunming-guandu', 'hub-station', 6.7],
  ['i2', 'cc-kunming', 'hub-airport', 20],
  ['i3', 'cc-kunming', 'hub-bus', 30],
]);

t.test('given a step that tasks three hubs of two centers, then a row each, one feed entry and one delivery per center', async (t) => {
  const batch: Decoded[] = [recorded(interceptions, 4)];
  t.same(tasksToLoad(batch), [], 'an assignment reads no row first');
  const changes = taskChanges(batch, { rows: new Map(), centers: new Map() }, directory);
  t.same(
    changes.rows.map((r) => [r.task_id, r.kind, r.command_center_id, r.deadline_at, r.position]),
    [
      ['i1', 'interception', 'cc-kunming-guandu', DEADLINE, 4],
      ['i2', 'interception', 'cc-kunming', DEADLINE, 4],
      ['i3', 'interception', 'cc-kunming', DEADLINE, 4],
    ],
  );
  t.match(changes.rows[1]!.details, { type: 'InterceptionTasksAssigned', taskId: 'i2', caseId: 'case-1', radiusKm: 100, hub: { id: 'hub-airport' } });
  t.same([...changes.created], ['i1', 'i2', 'i3']);
  t.same(changes.visibility, [
    ['cc-kunming-guandu', 'i1'],
    ['cc-kunming', 'i2'],
    ['cc-kunming', 'i3'],
  ]);
  t.same(changes.feed, [
    ['cc-kunming-guandu', 4],
    ['cc-kunming', 4],
  ]);
  t.same(
    changes.deliveries.map((d) => d.centers),
    [['cc-kunming-guandu', 'cc-kunming']],
  );
});

t.test('given a step of interceptions, when one of its tasks escalates, then that task alone moves up', async (t) => {
  const assignedRows = taskChanges([recorded(interceptions, 4)], { rows: new Map(), centers: new Map() }, directory);
  const before: TasksBefore = {
    rows: new Map(assignedRows.rows.map((r) => [r.task_id, r])),
    centers: new Map(assignedRows.rows.map((r) => [r.task_id, new Set([r.command_center_id])])),
  };
  const changes = taskChanges([recorded(escalated('i1', 'cc-kunming-guandu', 'cc-kunming'), 5)], before, directory);
  t.same(
    changes.rows.map((r) => [r.task_id, r.command_center_id, r.deadline_at]),
    [['i1', 'cc-kunming', NEXT_DEADLINE]],
  );
  t.same(changes.feed, [
    ['cc-kunming-guandu', 5],
    ['cc-kunming', 5],
  ]);
});
