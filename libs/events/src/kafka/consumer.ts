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
  /** Runs in the same transaction as the dedupe record: an effect is applied once or not at all. */
  handle: (event: ConsumedEvent, tx: PoolClient) => Promise<void>;
  fromBeginning?: boolean;
  /** Where the consumer reports its offset lag (`kafka_consumer_lag{consumer=groupId}`). */
  metrics?: Pick<Metrics, 'consumerLag'>;
}

/**
 * Handles each Kafka message in a Postgres transaction together with its dedupe record (keyed by
 * event id), so a redelivered message never applies its effect twice. Messages of one batch share
 * a transaction, a chunk at a time, so a busy topic costs one commit per chunk, not per message. A message that is not a valid
 * catalog event, or whose handling is refused by a rule, goes to the topic's dead-letter twin with
 * the reason and the consumer moves on; an infrastructure error is retried by redelivery.
 */
export async function startIdempotentConsumer(options: IdempotentConsumerOptions): Promise<IdempotentConsumer> {
  const table = `${quoteIdent(options.schema)}.processed_messages`;
  const log = options.logger.child({ consumer: options.groupId });
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

  /**
   * One transaction for a chunk of a batch: one commit (one fsync) for up to CHUNK messages. Each
   * message runs under a savepoint, so a rule that refuses one message rolls back only its effect
   * and dedupe record; an infrastructure error rolls back the chunk and the batch is redelivered.
   */
  const handleChunk = async (topic: string, messages: KafkaMessage[]): Promise<void> => {
    const refused: { message: KafkaMessage; reason: string }[] = [];
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      for (const message of messages) {
        const decoded = decode(message);
        if ('error' in decoded) {
          refused.push({ message, reason: decoded.error });
          continue;
        }
        const event: ConsumedEvent = { ...decoded.envelope, event: decoded.event, topic };
        await client.query('SAVEPOINT message');
        try {
          const fresh = await client.query(`INSERT INTO ${table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
            options.groupId,
            event.eventId,
          ]);
          if (fresh.rowCount === 1) await options.handle(event, client);
          await client.query('RELEASE SAVEPOINT message');
        } catch (error) {
          if (!(error instanceof DomainError)) {
            log.error({ err: error, topic, eventId: event.eventId }, 'handling failed; will be redelivered');
            throw error;
          }
          await client.query('ROLLBACK TO SAVEPOINT message');
          refused.push({ message, reason: `${error.code}: ${error.message}` });
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
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

function decode(message: KafkaMessage): { envelope: EventEnvelope<unknown>; event: DomainEvent } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return { error: 'value is not JSON' };
  }
  const envelope = EventEnvelope.safeParse(json);
  if (!envelope.success) {
    return { error: `not an event envelope: ${envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  const result = decodeEvent(envelope.data.type, envelope.data.version, envelope.data.data);
  if (!result.ok) return { error: result.reason };
  return { envelope: { ...envelope.data, version: result.version, data: result.event.data }, event: result.event };
}
