import { Partitioners, type Consumer, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { DomainEvent } from '../catalog/index.js';
import { decodeEvent } from '../catalog/index.js';
import { deadLetterTopic, EventEnvelope } from '../envelope.js';
import { DomainError } from '../errors.js';
import type { Metrics } from '../http/metrics.js';
import { quoteIdent } from '../store/sql.js';

/** A message read off Kafka, validated and upcast through the catalog. */
export type ConsumedEvent = Omit<EventEnvelope<unknown>, 'data'> & { event: DomainEvent; topic: string };

/** Messages handled in one transaction: large enough to share commits, small enough to heartbeat. */
const CHUNK = 100;

export interface IdempotentConsumer {
  stop(): Promise<void>;
  /** Offset lag of the last batch per topic-partition, for metrics and readiness. */
  lag(): number;
  running(): boolean;
}

export interface IdempotentConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  /** The service schema holding `processed_messages`. */
  schema: string;
  groupId: string;
  topics: string[];
  logger: Logger;
  /**
   * The event types this consumer acts on. Messages of other types are passed over without being
   * judged or recorded: a consumer that ignores most of a busy topic costs nothing per message.
   */
  types?: readonly DomainEvent['type'][];
  /**
   * Applies the effect of events this consumer has not seen before, in their order, in the same
   * transaction as their dedupe records: an effect is applied once or not at all.
   */
  handle: (events: ConsumedEvent[], tx: PoolClient) => Promise<void>;
  /**
   * `by-handler` when the handler's own writes already make a repeat a no-op (a unique event id
   * it checks): no dedupe record is kept, which spares a row per message on a busy consumer.
   */
  dedupe?: 'record' | 'by-handler';
  fromBeginning?: boolean;
  /** Where the consumer reports its offset lag (`kafka_consumer_lag{consumer=groupId}`). */
  metrics?: Pick<Metrics, 'consumerLag'>;
}

/** A handler for consumers whose effect is one event at a time. */
export function eachEvent(handle: (event: ConsumedEvent, tx: PoolClient) => Promise<void>): IdempotentConsumerOptions['handle'] {
  return async (events, tx) => {
    for (const event of events) await handle(event, tx);
  };
}

/**
 * Handles Kafka messages in Postgres transactions together with their dedupe records (keyed by
 * event id), so a redelivered message never applies its effect twice. A chunk of a batch shares
 * one transaction: one statement records which of its events are new, and the handler gets those
 * together, so a busy topic costs a few statements per chunk, not per message. A message that is
 * not a valid catalog event, or whose handling a rule refuses, goes to the topic's dead-letter twin
 * with the reason and the consumer moves on; an infrastructure error is retried by redelivery.
 */
export async function startIdempotentConsumer(options: IdempotentConsumerOptions): Promise<IdempotentConsumer> {
  const table = `${quoteIdent(options.schema)}.processed_messages`;
  const log = options.logger.child({ consumer: options.groupId });
  const accepts = options.types ? new Set<string>(options.types) : null;
  const consumer: Consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 20,
    retry: { retries: 10 },
  });
  const producer: Producer = options.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await Promise.all([consumer.connect(), producer.connect()]);
  let lag = 0;
  let running = true;
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    lag = Number(e.payload.offsetLagLow ?? e.payload.offsetLag ?? 0);
    options.metrics?.consumerLag.set({ consumer: options.groupId }, lag);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    running = e.payload.restart;
  });
  for (const topic of options.topics) {
    await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  }

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

  const inTransaction = async <T>(work: (tx: PoolClient) => Promise<T>): Promise<T> => {
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const recordOne = async (tx: PoolClient, eventId: string): Promise<boolean> =>
    options.dedupe === 'by-handler' ||
    (await tx.query(`INSERT INTO ${table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [options.groupId, eventId])).rowCount === 1;

  /** The common case: every new event of the chunk handled at once, no savepoints. */
  const applyTogether = async (events: Decoded[], tx: PoolClient): Promise<void> => {
    if (options.dedupe === 'by-handler') return options.handle(events.map((e) => e.event), tx);
    const { rows } = await tx.query<{ message_id: string }>(
      `INSERT INTO ${table} (consumer, message_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING message_id`,
      [options.groupId, events.map((e) => e.event.eventId)],
    );
    const fresh = new Set(rows.map((r) => r.message_id));
    // A message delivered twice within one chunk is new only the first time.
    const news = events.filter((e) => fresh.delete(e.event.eventId)).map((e) => e.event);
    if (news.length > 0) await options.handle(news, tx);
  };

  /**
   * After a rule refused something in the chunk: each message under its own savepoint, so the
   * refused one rolls back alone (its effect and its dedupe record) and the others commit.
   */
  const applyOneByOne = async (events: Decoded[], tx: PoolClient): Promise<Refusal[]> => {
    const refused: Refusal[] = [];
    for (const { message, event } of events) {
      await tx.query('SAVEPOINT message');
      try {
        if (await recordOne(tx, event.eventId)) await options.handle([event], tx);
        await tx.query('RELEASE SAVEPOINT message');
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT message');
        refused.push({ message, reason: `${error.code}: ${error.message}` });
      }
    }
    return refused;
  };

  /** Together first; one by one only when a rule refused something. Returns the refusals. */
  const apply = async (events: Decoded[]): Promise<Refusal[]> => {
    try {
      await inTransaction((tx) => applyTogether(events, tx));
      return [];
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return inTransaction((tx) => applyOneByOne(events, tx));
    }
  };

  const handleChunk = async (topic: string, messages: KafkaMessage[]): Promise<void> => {
    const refused: Refusal[] = [];
    const events: Decoded[] = [];
    for (const message of messages) {
      const decoded = decode(message, accepts);
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

  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      for (let i = 0; i < batch.messages.length; i += CHUNK) {
        if (!isRunning() || isStale()) return;
        const chunk = batch.messages.slice(i, i + CHUNK);
        await handleChunk(batch.topic, chunk);
        resolveOffset(chunk[chunk.length - 1]!.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    },
  });

  return {
    lag: () => lag,
    running: () => running,
    stop: async () => {
      running = false;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

interface Decoded {
  message: KafkaMessage;
  event: ConsumedEvent;
}

interface Refusal {
  message: KafkaMessage;
  reason: string;
}

function decode(
  message: KafkaMessage,
  accepts: ReadonlySet<string> | null,
): { envelope: EventEnvelope<unknown>; event: DomainEvent } | { error: string } | 'not-ours' {
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return { error: 'value is not JSON' };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (accepts && typeof type === 'string' && !accepts.has(type)) return 'not-ours';
  const envelope = EventEnvelope.safeParse(json);
  if (!envelope.success) {
    return { error: `not an event envelope: ${envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  const result = decodeEvent(envelope.data.type, envelope.data.version, envelope.data.data);
  if (!result.ok) return { error: result.reason };
  return { envelope: { ...envelope.data, version: result.version, data: result.event.data }, event: result.event };
}
