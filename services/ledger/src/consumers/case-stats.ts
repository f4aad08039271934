import { startIdempotentConsumer, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';
import { STATS_EVENT_TYPES } from '../projections/case-stats.js';
import { applyToCaseStats } from '../projections/case-stats-store.js';
import { latencyHistograms } from '../projections/stats-metrics.js';

/**
 * The statistics' projection, fed from the three topics. Each row keeps earliest times and sets of
 * ids, so a redelivered event changes nothing and needs no dedupe record; the histograms observe
 * what a chunk's transaction taught only after it committed, so a rolled-back chunk observes nothing.
 */
export function startCaseStatsConsumer(runtime: ServiceRuntime): Promise<IdempotentConsumer> {
  const observe = latencyHistograms(runtime.metrics);
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}ledger-case-stats`,
    topics: [runtime.topics.alert, runtime.topics.dispatch, runtime.topics.ledger],
    logger: runtime.logger,
    types: STATS_EVENT_TYPES,
    dedupe: 'by-handler',
    // Statistics may trail by a second: fewer, larger chunks cost the broker and Postgres less.
    gatherMs: 1000,
    handle: async (events) => {
      const inputs = events.flatMap((e) =>
        e.caseId ? [{ caseId: e.caseId, eventId: e.eventId, event: e.event, exercise: e.metadata.exercise === true }] : [],
      );
      observe(await applyToCaseStats(runtime.pool, inputs));
    },
  });
}
