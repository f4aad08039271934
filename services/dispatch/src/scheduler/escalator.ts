import { deriveId, handleCommand, type Clock, type PgEventStore } from '@rapid-search/events';
import type { Logger } from 'pino';
import { SYSTEM_ACTOR, caseOf, commandMetadata } from '../commands/metadata.js';
import type { AckDeadlines } from '../domain/deadlines.js';
import type { Directory } from '../domain/directory.js';
import { taskDecider, taskStream } from '../domain/task.js';
import { ASSIGNED_IN, assignmentReads, type AssignedIn } from '../projections/assignment-reads.js';

export interface Escalator {
  /** One pass over the due tasks; returns how many were escalated. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Finds due tasks in the projection (deadlines there are rebuilt from events, so they survive
 * restarts) and decides each against its own stream, which is the truth: an ack that raced the
 * deadline wins, and the escalation's event id is derived so two escalators never double it.
 */
export function startEscalator(options: {
  store: PgEventStore;
  directory: Directory;
  deadlines: AckDeadlines;
  clock: Clock;
  intervalMs: number;
  logger: Logger;
}): Escalator {
  const { store, directory, deadlines, clock } = options;
  const parentOf = (id: string) => directory.parentOf(id)?.id ?? null;
  const tick = async (): Promise<number> => {
    const now = clock.now();
    const { rows } = await store.pool.query<AssignedIn & { task_id: string }>(
      `SELECT task_id, ${ASSIGNED_IN} FROM dispatch.tasks WHERE status = 'assigned' AND deadline_at <= $1 ORDER BY deadline_at LIMIT 500`,
      [now],
    );
    let escalated = 0;
    for (const row of rows) {
      const taskId = row.task_id;
      const { events } = await handleCommand(
        store,
        taskDecider(taskId),
        { kind: 'Escalate', now, parentOf, deadlines },
        {
          streamId: taskStream(taskId),
          reads: assignmentReads(row),
          metadata: commandMetadata(SYSTEM_ACTOR),
          caseId: caseOf,
          eventId: (event) => deriveId(taskId, 'escalated', (event.data as { missedDeadlineAt: string }).missedDeadlineAt),
        },
      );
      escalated += events.length;
    }
    return escalated;
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const loop = (): void => {
    if (stopped) return;
    running = tick()
      .catch((error: unknown) => options.logger.error({ err: error }, 'escalation pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.intervalMs);
      });
  };
  timer = setTimeout(loop, options.intervalMs);
  return {
    tick,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
