import { CompressionTypes, Partitioners, type Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { PgEventStore, StoredEvent } from '../store/event-store.js';
import type { AppendNotifier } from '../store/notifier.js';
import { subscribe, type Subscription } from '../store/subscription.js';

/**
 * How long the relay lingers once woken before it reads: at a steady trickle of appends (one a few
 * milliseconds apart) it then publishes a few of them in one produce request rather than one each,
 * which spares the service, Postgres and the broker a round trip apiece, for a few milliseconds more
 * on the way to the consumers.
 */
const RELAY_LINGER_MS = 5;

export interface Relay {
  subscription: Subscription;
  stop(): Promise<void>;
}

/**
 * The outbox relay: publishes a service's events to its topic in position order, keyed by caseId
 * so one case's events stay in one partition, in order. The checkpoint is committed only after the
 * broker acknowledged the batch (acks from all in-sync replicas), so a relay killed at any moment
 * republishes from its last checkpoint: at least once, never lost. Consumers dedupe by event id.
 */
export async function startRelay(options: {
  store: PgEventStore;
  kafka: Kafka;
  topic: string;
  logger: Logger;
  notifier?: AppendNotifier;
  batchSize?: number;
  onPublished?: (events: StoredEvent[]) => void;
}): Promise<Relay> {
  const producer = options.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  // A subscription that cannot start (Postgres away) must not leave the producer connected: the
  // caller starts a new relay, and with it a new producer, on every try.
  const subscription = await subscribe(options.store, {
    name: `relay:${options.topic}`,
    batchSize: options.batchSize ?? 500,
    lingerMs: RELAY_LINGER_MS,
    logger: options.logger,
    ...(options.notifier ? { notifier: options.notifier } : {}),
    deliver: async (events) => {
      await producer.send({
        topic: options.topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: events.map((e) => ({
          key: e.caseId ?? e.streamId,
          value: JSON.stringify(e),
          headers: { 'event-type': e.type, 'event-version': String(e.version), 'event-id': e.eventId },
        })),
      });
      options.onPublished?.(events);
    },
  }).catch(async (error: unknown) => {
    await producer.disconnect().catch(() => undefined);
    throw error;
  });
  return {
    subscription,
    stop: async () => {
      await subscription.stop();
      await producer.disconnect();
    },
  };
}
