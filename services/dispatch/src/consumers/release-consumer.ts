import { startIdempotentConsumer, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';
import { RELEASE_EVENTS, releaseChange } from '../domain/public-release.js';
import { applyReleaseChanges } from '../projections/releases.js';

/** 信息发布: the alerts' public releases, as the consoles show them beside their tasks. */
export function startReleaseConsumer(runtime: ServiceRuntime): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}dispatch-releases`,
    topics: [runtime.topics.alert],
    logger: runtime.logger,
    types: RELEASE_EVENTS,
    // Each change is idempotent (projections/releases.ts), so no dedupe record is needed.
    dedupe: 'by-handler',
    // Off the path from an alert to its tasks: a console asks for the release once it has a task.
    gatherMs: 250,
    handle: (events) =>
      applyReleaseChanges(
        runtime.pool,
        runtime.store.schema,
        events.flatMap((consumed) => {
          const change = releaseChange(consumed.event);
          return change ? [{ change, exercise: consumed.metadata.exercise === true }] : [];
        }),
      ),
  });
}
