import { Partitioners, type Consumer, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { DomainEvent } from '../catalog/index.js';
import { deadLetterTopic, type EventEnvelope } from '../envelope.js';
import { decodeMessage } from './decode.js';
import type { Metrics } from '../http/metrics.js';
import { recordingApplier, selfDedupingApplier, type Applier, type Decoded, type Refusal } from './appliers.js';

/** A message read off Kafka, validated and upcast through the catalog. */
export type ConsumedEvent = Omit<EventEnvelope<unknown>, 'data'> & { event: DomainEvent; topic: string };

/** Messages handled in one transaction: large enough to share commits, small enough to heartbeat. */
const CHUNK = 100;
const COMMIT_INTERVAL_MS = 1000;
/**
 * What ends a gathering consumer's fetch before its time is up: more than these topics carry in
 * that time at the rates the system is built for, yet not so much that a consumer catching up on a
 * backlog waits out every fetch.
 */
const GATHER_MIN_BYTES = 1024 * 1024;
/**
 * The most a gathering consumer's fetch brings, over all its partitions: a consumer behind (the
 * ledger, which yields the cores to the path to the consoles) then holds a few chunks at a time in
 * memory rather than a megabyte per partition of every topic it reads.
 */
const GATHER_MAX_BYTES = 2 * GATHER_MIN_BYTES;

export interface IdempotentConsumer {
  stop(): Promise<void>;
  /** Offset lag of the last batch per topic-partition, for metrics and readiness. */
  lag(): number;
  running(): boolean;
}

interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  /**
   * The event types this consumer acts on. Messages of other types are passed over without being
   * judged or recorded: a consumer that ignores most of a busy topic costs nothing per message.
   */
  types?: readonly DomainEvent['type'][];
  fromBeginning?: boolean;
  /** Where the consumer reports its offset lag (`kafka_consumer_lag{consumer=groupId}`). */
  metrics?: Pick<Metrics, 'consumerLag'>;
  /**
   * For a consumer off the path to the consoles: the broker holds a fetch for this long unless
   * `GATHER_MIN_BYTES` gathered sooner, so the consumer handles fewer, larger chunks and is not
   * woken by every message of a busy topic.
   */
  gatherMs?: number;
}

/** Effects applied in the consumer's transaction, beside a dedupe record per message. */
export interface RecordingConsumerOptions extends ConsumerOptions {
  dedupe?: 'record';
  pool: Pool;
  /** The service schema holding `processed_messages`. */
  schema: string;
  /**
   * Applies the effect of events this consumer has not seen before, in their order, in the same
   * transaction as their dedupe records: an effect is applied once or not at all.
   */
  handle: (events: ConsumedEvent[], tx: PoolClient) => Promise<void>;
}

/**
 * Effects that are their own dedupe: each is atomic and a repeat of it is a no-op (a unique event
 * id it checks, an append with a derived id). No dedupe record and no transaction of the
 * consumer's: a chunk costs the handler's own statements and nothing more, which on a busy topic
 * is most of the consumer's round trips to Postgres.
 */
export interface SelfDedupingConsumerOptions extends ConsumerOptions {
  dedupe: 'by-handler';
  /** Applies the effect of events in their order; some of them may have been applied before. */
  handle: (events: ConsumedEvent[]) => Promise<void>;
}

export type IdempotentConsumerOptions = RecordingConsumerOptions | SelfDedupingConsumerOptions;

/** A handler for consumers whose effect is one event at a time. */
export function eachEvent(handle: (event: ConsumedEvent, tx: PoolClient) => Promise<void>): RecordingConsumerOptions['handle'] {
  return async (events, tx) => {
    for (const event of events) await handle(event, tx);
  };
}

/**
 * Handles Kafka messages in Postgres transactions together with their dedupe records (keyed by
 * event id), so a redelivered message never applies its effect twice. A chunk of a batch shares
 * one transaction: one statement records which of its events are new, and the handler gets those
 * together, so a busy topic costs a few statements per chunk, not per message. Effects that dedupe
 * themselves (`dedupe: 'by-handler'`) skip the record and the transaction. A message that is
 * not a valid catalog event, or whose handling a rule refuses, goes to the topic's dead-letter twin
 * with the reason and the consumer moves on; an infrastructure error is retried by redelivery.
 */
export async function startIdempotentConsumer(options: IdempotentConsumerOptions): Promise<IdempotentConsumer> {
  const log = options.logger.child({ consumer: options.groupId });
  const accepts = options.types ? new Set<string>(options.types) : null;
  const consumer: Consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    // How long the broker holds a fetch that finds nothing; a message that arrives ends it at once.
    // An idle consumer polls twice a second, not fifty times.
    maxWaitTimeInMs: options.gatherMs ?? 500,
    ...(options.gatherMs === undefined ? { minBytes: 1 } : { minBytes: GATHER_MIN_BYTES, maxBytes: GATHER_MAX_BYTES }),
    retry: { retries: 10 },
  });
  const producer: Producer = options.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    // Both connects settle before either failure is acted on: a client told to disconnect while
    // its connect is under way leaves that connect's socket open.
    const connects = await Promise.allSettled([consumer.connect(), producer.connect()]);
    for (const c of connects) if (c.status === 'rejected') throw c.reason;
    for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  } catch (error) {
    // Tried again later by the caller: what did connect is let go now, so nothing leaks.
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    throw error;
  }
  let lag = 0;
  let running = true;
  let stopping = false;
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    lag = Number(e.payload.offsetLagLow ?? e.payload.offsetLag ?? 0);
    options.metrics?.consumerLag.set({ consumer: options.groupId }, lag);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    running = e.payload.restart;
  });

  const deadLetter = async (topic: string, message: KafkaMessage, reason: string): Promise<void> => {
    log.warn({ topic, offset: message.offset, reason }, 'message sent to dead-letter topic');
    await producer.send({
      topic: deadLetterTopic(topic),
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: { ...message.headers, 'dlq-reason': reason, 'dlq-consumer': options.groupId, 'dlq-offset': message.offset },
        },
      ],
    });
  };

  const apply: Applier = options.dedupe === 'by-handler' ? selfDedupingApplier(options.handle) : recordingApplier(options);

  const handleChunk = async (topic: string, messages: KafkaMessage[]): Promise<void> => {
    const refused: Refusal[] = [];
    const events: Decoded[] = [];
    for (const message of messages) {
      const decoded = decodeMessage(message, accepts);
      if (decoded === 'not-ours') continue;
      if ('error' in decoded) refused.push({ message, reason: decoded.error });
      else events.push({ message, event: { ...decoded.envelope, event: decoded.event, topic } });
    }
    try {
      if (events.length > 0) refused.push(...(await apply(events)));
    } catch (error) {
      log.error({ err: error, topic, from: messages[0]?.offset }, 'handling failed; will be redelivered');
      throw error;
    }
    for (const r of refused) await deadLetter(topic, r.message, r.reason);
  };

  /** Commits every offset handled and not yet committed, on every partition of this consumer. */
  let commitHandled: (() => Promise<void>) | undefined;
  await consumer
    .run({
      partitionsConsumedConcurrently: 3,
      eachBatchAutoResolve: false,
      // Offsets are committed at most once a second (and on stop), not after every batch, which
      // would be most of the requests to the broker. Handling is idempotent, so a crash redelivers
      // at most that second's messages and changes nothing.
      autoCommit: false,
      autoCommitInterval: COMMIT_INTERVAL_MS,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale }) => {
        commitHandled = () => commitOffsetsIfNecessary(uncommittedOffsets());
        for (let i = 0; i < batch.messages.length; i += CHUNK) {
          if (!isRunning() || isStale()) break;
          const chunk = batch.messages.slice(i, i + CHUNK);
          await handleChunk(batch.topic, chunk);
          resolveOffset(chunk[chunk.length - 1]!.offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
        // Stopping: the batch in hand commits what it handled before the consumer leaves its group.
        // `stopping` covers a batch that ends after stop() committed but before the consumer is told
        // to stop; without it, the offsets of its last chunk would never be committed.
        if (!isRunning() || stopping) await commitHandled();
      },
    })
    .catch(async (error: unknown) => {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      throw error;
    });

  return {
    lag: () => lag,
    running: () => running,
    stop: async () => {
      running = false;
      stopping = true;
      await commitHandled?.().catch((error: unknown) => log.warn({ err: error }, 'offsets not committed on stop; they will be redelivered'));
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
