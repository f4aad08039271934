import { startIdempotentConsumer, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';
import type { Clock } from '../clock.js';
import { planQuickSearch, planWidening } from '../domain/assignment.js';
import type { AckDeadlines } from '../domain/deadlines.js';
import type { Directory } from '../domain/directory.js';
import { assignTasks } from './assign-tasks.js';

/** 快速查找: quick-search activations and radius widenings become tasks. */
export function startAlertConsumer(
  runtime: ServiceRuntime,
  ctx: { directory: Directory; deadlines: AckDeadlines; clock: Clock },
): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    pool: runtime.pool,
    schema: runtime.store.schema,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}dispatch-alerts`,
    topics: [runtime.topics.alert],
    logger: runtime.logger,
    handle: async (source) => {
      const plan = { directory: ctx.directory, deadlines: ctx.deadlines, now: ctx.clock.now() };
      if (source.event.type === 'QuickSearchActivated') await assignTasks(runtime.store, source, planQuickSearch(source.event.data, plan));
      if (source.event.type === 'PublicReleaseRadiusWidened') await assignTasks(runtime.store, source, planWidening(source.event.data, plan));
    },
  });
}
