import { deriveId, eachEvent, handleCommand, startIdempotentConsumer, type IdempotentConsumer } from '@rapid-search/events';
import type { AlertConsumerOptions } from './alert-consumer-options.js';
import { alertDecider, alertStream, drillMark } from '../domain/alert.js';
import { findAlertByCase } from '../db/alert-reads.js';
import { saveState } from '../db/alert-state.js';

/** The case events that mean the child is found: the alert stands down and stops widening. */
const CLOSING = ['ChildRescued', 'ChildReturnedToParents'] as const;

/**
 * Closes the alert of a case when the ledger records the child rescued or returned to the parents.
 * Runs in the consumer's transaction (dedupe record, event and the alert's row commit together);
 * an append that finds the stream moved on is decided again on the stream as it is then.
 */
export async function startCaseClosingConsumer(options: AlertConsumerOptions): Promise<IdempotentConsumer> {
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
    // The release stands down within a second of the rescue: the broker gathers this topic's
    // messages for up to that long rather than answering after every append.
    gatherMs: 1000,
    handle: eachEvent(async (consumed, tx) => {
      if (!consumed.caseId) return;
      const row = await findAlertByCase(tx, consumed.caseId);
      if (!row) return;
      const closedAt = options.clock.now();
      const { events, state: closed } = await handleCommand(
        store,
        alertDecider(row.alert_id),
        { kind: 'Close', reason: consumed.event.type, now: closedAt },
        {
          streamId: alertStream(row.alert_id),
          tx,
          caseId: () => row.case_id,
          eventId: () => deriveId(consumed.eventId, 'alert-closed'),
          metadata: {
            actor: { id: 'alert-case-closing', role: 'system' },
            correlationId: consumed.metadata.correlationId,
            causationId: consumed.eventId,
            ...drillMark(row.exercise),
          },
          occurredAt: closedAt,
        },
      );
      if (events.length === 0) return;
      await saveState(tx, closed);
      options.logger.info({ alertId: row.alert_id, caseId: row.case_id, reason: consumed.event.type }, 'alert closed');
    }),
  });
}
