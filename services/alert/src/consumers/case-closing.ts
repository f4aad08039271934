import { deriveId, eachEvent, handleCommand, startIdempotentConsumer, type Clock, type IdempotentConsumer, type Metrics, type PgEventStore } from '@rapid-search/events';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { alertDecider, alertStream } from '../domain/alert.js';
import { findAlertByCase, saveState, stateOf } from '../projections/alerts.js';

/** The case events that mean the child is found: the alert stands down and stops widening. */
const CLOSING = ['ChildRescued', 'ChildReturnedToParents'] as const;

/**
 * Closes the alert of a case when the ledger records the child rescued or returned to the parents.
 * Runs in the consumer's transaction (dedupe record, event and projection commit together) under
 * the store's write lock, so the version it reads is the one it appends after.
 */
export async function startCaseClosingConsumer(options: {
  kafka: Kafka;
  pool: Pool;
  store: PgEventStore;
  topic: string;
  groupId: string;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}): Promise<IdempotentConsumer> {
  const { store } = options;
  return startIdempotentConsumer({
    kafka: options.kafka,
    metrics: options.metrics,
    pool: options.pool,
    schema: 'alert',
    groupId: options.groupId,
    topics: [options.topic],
    logger: options.logger,
    types: CLOSING,
    handle: eachEvent(async (consumed, tx) => {
      if (!consumed.caseId) return;
      await tx.query('SELECT alert.lock_event_writes()');
      const row = await findAlertByCase(tx, consumed.caseId);
      if (!row) return;
      const state = stateOf(row);
      const closedAt = options.clock.now();
      const { events, state: closed } = await handleCommand(store, alertDecider(state.alertId), { kind: 'Close', reason: consumed.event.type, now: closedAt }, {
        streamId: alertStream(state.alertId),
        from: { state, version: state.version },
        tx,
        caseId: () => state.caseId,
        eventId: () => deriveId(consumed.eventId, 'alert-closed'),
        metadata: {
          actor: { id: 'alert-case-closing', role: 'system' },
          correlationId: consumed.metadata.correlationId,
          causationId: consumed.eventId,
        },
        occurredAt: closedAt,
      });
      if (events.length === 0) return;
      await saveState(tx, closed, { at: closedAt.toISOString(), reason: consumed.event.type });
      options.logger.info({ alertId: state.alertId, caseId: state.caseId, reason: consumed.event.type }, 'alert closed');
    }),
  });
}
