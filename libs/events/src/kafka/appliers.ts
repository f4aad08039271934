import type { KafkaMessage } from 'kafkajs';
import type { PoolClient } from 'pg';
import { DomainError } from '../errors.js';
import { refusedByPostgres } from '../store/refusals.js';
import { quoteIdent } from '../store/sql.js';
import { inTransaction } from '../store/transaction.js';
import type { ConsumedEvent, RecordingConsumerOptions, SelfDedupingConsumerOptions } from './consumer.js';

export interface Decoded {
  message: KafkaMessage;
  event: ConsumedEvent;
}

export interface Refusal {
  message: KafkaMessage;
  reason: string;
}

/** Applies a chunk's events and returns the ones a rule refused, for the dead-letter topic. */
export type Applier = (events: Decoded[]) => Promise<Refusal[]>;

/** A rule's refusal, or Postgres refusing one message's data: either fails that message alone. */
const refusable = (error: unknown): error is DomainError | (Error & { code: string }) => error instanceof DomainError || refusedByPostgres(error);

/** Postgres' own message may quote the data, so only its SQLSTATE goes into the dead letter. */
const refusal = (message: KafkaMessage, error: DomainError | (Error & { code: string })): Refusal => ({
  message,
  reason: error instanceof DomainError ? `${error.code}: ${error.message}` : `SQLSTATE ${error.code}`,
});

/**
 * Effect and dedupe record in one transaction. Together first, with one statement recording which
 * events of the chunk are new; only when a rule refused something, each message again under its
 * own savepoint, so the refused one rolls back alone (its effect and its dedupe record).
 */
export function recordingApplier(options: Pick<RecordingConsumerOptions, 'pool' | 'schema' | 'groupId' | 'handle'>): Applier {
  const { pool, groupId, handle } = options;
  const table = `${quoteIdent(options.schema)}.processed_messages`;

  const together = async (events: Decoded[], tx: PoolClient): Promise<void> => {
    const { rows } = await tx.query<{ message_id: string }>(
      `INSERT INTO ${table} (consumer, message_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING message_id`,
      [groupId, events.map((e) => e.event.eventId)],
    );
    const fresh = new Set(rows.map((r) => r.message_id));
    // A message delivered twice within one chunk is new only the first time.
    const news = events.filter((e) => fresh.delete(e.event.eventId)).map((e) => e.event);
    if (news.length > 0) await handle(news, tx);
  };

  const oneByOne = async (events: Decoded[], tx: PoolClient): Promise<Refusal[]> => {
    const refused: Refusal[] = [];
    for (const { message, event } of events) {
      await tx.query('SAVEPOINT message');
      try {
        const recorded = await tx.query(`INSERT INTO ${table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
          groupId,
          event.eventId,
        ]);
        if (recorded.rowCount === 1) await handle([event], tx);
        await tx.query('RELEASE SAVEPOINT message');
      } catch (error) {
        if (!refusable(error)) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT message');
        refused.push(refusal(message, error));
      }
    }
    return refused;
  };

  return async (events) => {
    try {
      await inTransaction(pool, (tx) => together(events, tx));
      return [];
    } catch (error) {
      if (!refusable(error)) throw error;
      return inTransaction(pool, (tx) => oneByOne(events, tx));
    }
  };
}

/**
 * Effects that dedupe themselves: the chunk at once, and after a refusal each event again on its
 * own; what the first try already applied is a no-op the second time.
 */
export function selfDedupingApplier(handle: SelfDedupingConsumerOptions['handle']): Applier {
  return async (events) => {
    try {
      await handle(events.map((e) => e.event));
      return [];
    } catch (error) {
      if (!refusable(error)) throw error;
      const refused: Refusal[] = [];
      for (const { message, event } of events) {
        try {
          await handle([event]);
        } catch (error) {
          if (!refusable(error)) throw error;
          refused.push(refusal(message, error));
        }
      }
      return refused;
    }
  };
}
