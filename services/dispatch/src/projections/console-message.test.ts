import t from 'tap';
import type { StoredEvent } from '@rapid-search/events';
import { interceptionStep } from '../domain/fixtures.test-helper.js';
import { differsByCenter, eventMessage } from './console-reads.js';

const at = '2026-11-22T10:00:00.000Z';
const stored = (type: string, data: unknown): StoredEvent => ({
  eventId: 'e-1',
  type,
  version: 1,
  streamId: 'interceptions-case-1',
  streamVersion: 1,
  position: 7,
  caseId: 'case-1',
  metadata: { actor: { id: 'dispatch', role: 'system' }, correlationId: 'case-1', causationId: null },
  occurredAt: at,
  recordedAt: at,
  data,
});
const step = stored(
  'InterceptionTasksAssigned',
  interceptionStep([
    ['i1', 'cc-kunming-guandu', 'hub-station', 6.7],
    ['i2', 'cc-kunming', 'hub-airport', 20],
  ]).data,
);
const taskIdsIn = (message: string): string[] =>
  (JSON.parse(message) as { event: { data: { tasks: { taskId: string }[] } } }).event.data.tasks.map((task) => task.taskId);

t.test('given a step of two centers, when each is sent it, then each sees its own entries only', async (t) => {
  t.ok(differsByCenter(step));
  t.same(taskIdsIn(eventMessage(step, 'cc-kunming-guandu')), ['i1']);
  t.same(taskIdsIn(eventMessage(step, 'cc-kunming')), ['i2']);
  t.match(JSON.parse(eventMessage(step, 'cc-kunming')), {
    type: 'event',
    position: 7,
    event: { type: 'InterceptionTasksAssigned', data: { radiusKm: 100 } },
  });
});

t.test('given any other event, then every center is sent it whole', async (t) => {
  const ack = stored('TaskAcknowledged', { taskId: 'i1', caseId: 'case-1', commandCenterId: 'cc-kunming', acknowledgedBy: 'x', acknowledgedAt: at });
  t.notOk(differsByCenter(ack));
  t.same(JSON.parse(eventMessage(ack, 'cc-kunming-guandu')), { type: 'event', position: 7, event: ack });
});
