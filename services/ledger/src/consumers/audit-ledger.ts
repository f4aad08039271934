import { startIdempotentConsumer, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';
import { appendToChain } from '../audit/append.js';

/**
 * Every event of every topic, once each, onto the hash chain, a chunk of messages at a time. One
 * case's events share a partition key, so they arrive, and are chained, in their order.
 */
export function startAuditLedgerConsumer(runtime: ServiceRuntime): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}ledger-audit`,
    topics: [runtime.topics.alert, runtime.topics.dispatch, runtime.topics.ledger],
    logger: runtime.logger,
    // The chain itself passes over an event id it holds, in the one statement that appends a chunk;
    // a dedupe record per message, and a transaction around it, would only repeat that.
    dedupe: 'by-handler',
    // Off the path to the consoles, the chain may trail by a second: the broker gathers what it
    // hands over, so the chain takes a few large chunks a second rather than one per message, and
    // the broker answers a few fetches rather than one per append anywhere in the system.
    gatherMs: 1000,
    handle: (events) => appendToChain(runtime.pool, events),
  });
}
