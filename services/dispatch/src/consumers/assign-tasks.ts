import { causedBy, ConcurrencyConflict, deriveId, type ConsumedEvent, type PgEventStore } from '@rapid-search/events';
import type { PlannedTask } from '../domain/assignment.js';
import { taskStream } from '../domain/task.js';
import { SYSTEM_ACTOR } from '../commands/metadata.js';

/**
 * Opens each planned task in its own stream. The first event of a task stream has an id derived
 * from the task id and the stream must not exist yet, so a task already assigned (redelivery, a
 * widening that reaches a hub again) stays as it is: a repeat is a no-op or a conflict.
 *
 * Because of that, the appends need neither a transaction of the consumer's nor a dedupe record:
 * they go through the store's group commit (one round trip and one WAL flush for many messages),
 * and a redelivery's appends are no-ops. Appending inside a consumer transaction instead would hold
 * the store's write lock across every round trip of it and cap the alert rate this service absorbs.
 */
export async function assignTasks(store: PgEventStore, source: ConsumedEvent, planned: PlannedTask[]): Promise<void> {
  const metadata = { actor: SYSTEM_ACTOR, ...causedBy(source) };
  await Promise.all(
    planned.map((task) =>
      store
        .append(
          taskStream(task.taskId),
          [{ event: task.event, eventId: deriveId(task.taskId, 'assigned'), caseId: task.event.data.caseId, metadata }],
          {
            expectedVersion: 'no-stream',
          },
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConcurrencyConflict)) throw error;
        }),
    ),
  );
}
