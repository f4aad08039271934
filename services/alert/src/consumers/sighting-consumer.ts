import { causedBy, decodeStored, deriveId, eachEvent, handleCommand, startIdempotentConsumer, type IdempotentConsumer } from '@rapid-search/events';
import type { AlertConsumerOptions } from './alert-consumer-options.js';
import { alertDecider, alertStream } from '../domain/alert.js';
import { saveState } from '../db/alert-state.js';
import { tipStream } from '../domain/tip.js';

/**
 * The search follows the child: a lead-verification task completed `sighting-confirmed` moves its
 * alert's last seen to the tip's place and time. The tip is the alert service's own (its stream
 * `tip-<tipId>`), so nothing of it needs to travel back from dispatch. Runs in the consumer's
 * transaction: dedupe record, SightingConfirmed and the alert's row commit together, and the
 * event id derives from the completion, so a redelivery appends nothing.
 */
export async function startSightingConsumer(options: AlertConsumerOptions): Promise<IdempotentConsumer> {
  const { store } = options;
  return startIdempotentConsumer({
    kafka: options.kafka,
    metrics: options.metrics,
    pool: options.pool,
    schema: 'alert',
    groupId: options.groupId,
    topics: [options.topic],
    logger: options.logger,
    types: ['TaskCompleted'],
    // Of the busiest topic it wants one completion in many: a quarter of a second spent gathering
    // spares a fetch after every task assigned, and the release moves a moment later.
    gatherMs: 250,
    handle: eachEvent(async (consumed, tx) => {
      if (consumed.event.type !== 'TaskCompleted') return;
      const { outcome, tipId, taskId } = consumed.event.data;
      if (outcome !== 'sighting-confirmed' || !tipId) return;
      const [stored] = await store.readStream(tipStream(tipId), { tx });
      const decoded = stored && decodeStored(stored);
      if (!decoded || 'error' in decoded || decoded.event.type !== 'TipReceived') return;
      const tip = decoded.event.data;
      const now = options.clock.now();
      const { events, state } = await handleCommand(
        store,
        alertDecider(tip.alertId),
        { kind: 'ConfirmSighting', tip, taskId, now },
        {
          streamId: alertStream(tip.alertId),
          tx,
          caseId: () => tip.caseId,
          eventId: () => deriveId(consumed.eventId, 'sighting-confirmed'),
          metadata: { actor: { id: 'alert-sightings', role: 'system' }, ...causedBy(consumed) },
          occurredAt: now,
        },
      );
      if (events.length === 0) return;
      await saveState(tx, state);
      options.logger.info({ alertId: tip.alertId, caseId: tip.caseId, tipId }, 'last seen moved to a confirmed sighting');
    }),
  });
}
