import { startIdempotentConsumer, type Clock, type DomainEvent, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';
import type { PlanContext, PlannedTask } from '../domain/assignment.js';
import type { AckDeadlines } from '../domain/deadlines.js';
import type { Directory } from '../domain/directory.js';
import { assignTasks } from './assign-tasks.js';

export interface TaskPlanningContext {
  directory: Directory;
  deadlines: AckDeadlines;
  clock: Clock;
}

/**
 * A consumer that turns events into tasks: `plan` says which tasks an event calls for, and the
 * tasks of every event in a chunk go into one group commit. Nothing else is written: a chunk
 * costs this one round trip to Postgres.
 */
export function startTaskPlanningConsumer(
  runtime: ServiceRuntime,
  ctx: TaskPlanningContext,
  spec: {
    group: string;
    topic: string;
    types: readonly DomainEvent['type'][];
    plan: (event: DomainEvent, plan: PlanContext) => PlannedTask[];
    /** For tasks off the path from an alert to the consoles (an escort), as `startIdempotentConsumer` takes it. */
    gatherMs?: number;
  },
): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}${spec.group}`,
    topics: [spec.topic],
    logger: runtime.logger,
    types: spec.types,
    ...(spec.gatherMs === undefined ? {} : { gatherMs: spec.gatherMs }),
    // A task's first event has an id derived from the task and opens a stream that must not exist:
    // assigning it again is a no-op, so no dedupe record or transaction is needed around it.
    dedupe: 'by-handler',
    handle: async (sources) => {
      const plan = { directory: ctx.directory, deadlines: ctx.deadlines, now: ctx.clock.now() };
      await Promise.all(sources.map((source) => assignTasks(runtime.store, source, spec.plan(source.event, plan))));
    },
  });
}
