import { startIdempotentConsumer, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';
import type { Clock } from '../clock.js';
import { planEscort } from '../domain/assignment.js';
import type { AckDeadlines } from '../domain/deadlines.js';
import type { Directory } from '../domain/directory.js';
import { assignTasks } from './assign-tasks.js';

/** 移交民政: a handover to civil affairs becomes an escort task where the child is. */
export function startHandoverConsumer(
  runtime: ServiceRuntime,
  ctx: { directory: Directory; deadlines: AckDeadlines; clock: Clock },
): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    pool: runtime.pool,
    schema: runtime.store.schema,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}dispatch-ledger`,
    topics: [runtime.topics.ledger],
    logger: runtime.logger,
    handle: async (source) => {
      if (source.event.type !== 'HandoverToCivilAffairsInitiated') return;
      const plan = { directory: ctx.directory, deadlines: ctx.deadlines, now: ctx.clock.now() };
      await assignTasks(runtime.store, source, [planEscort(source.event.data, plan)]);
    },
  });
}
