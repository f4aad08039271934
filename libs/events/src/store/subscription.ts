import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { PgEventStore, StoredEvent } from './event-store.js';
import type { AppendNotifier } from './notifier.js';
import { backoffMs } from '../backoff.js';
import { Pause } from '../pause.js';
import { quoteIdent } from './sql.js';
import { inTransaction } from './transaction.js';

interface CommonOptions {
  /** Checkpoint name, unique per schema. */
  name: string;
  batchSize?: number;
  pollMs?: number;
  notifier?: AppendNotifier;
  logger: Logger;
}

export type SubscriptionOptions = CommonOptions &
  (
    | {
        /** Handles a batch in a transaction that also stores the checkpoint: effect and checkpoint commit together. */
        handle: (events: StoredEvent[], tx: PoolClient) => Promise<void>;
      }
    | {
        /**
         * Delivers a batch somewhere outside Postgres (a broker). The checkpoint is stored once the
         * delivery returned, by one statement of its own: a crash between the two delivers the batch
         * again (at least once), and no transaction is held open across the delivery.
         */
        deliver: (events: StoredEvent[]) => Promise<void>;
      }
  );

export interface Subscription {
  readonly name: string;
  position(): number;
  /** Resolves once the subscription has handled everything up to at least this position. */
  caughtUp(position: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A checkpointed reader of the whole store. Positions are handed out in commit order (see
 * schema.ts), so "everything after my checkpoint" never skips a late commit.
 */
export async function subscribe(store: PgEventStore, options: SubscriptionOptions): Promise<Subscription> {
  const table = `${quoteIdent(store.schema)}.checkpoints`;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 500;
  const { rows } = await store.pool.query<{ position: string }>(`SELECT position FROM ${table} WHERE name = $1`, [options.name]);
  let position = Number(rows[0]?.position ?? 0);
  const saveCheckpoint = `INSERT INTO ${table} (name, position, updated_at) VALUES ($1, $2, now())
    ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`;
  let stopped = false;
  const pause = new Pause();
  /**
   * Set by a notification that arrives while a batch is being read or handled. Without it that
   * notification would be lost, and the events it announced would wait for the next append's
   * notification or the poll.
   */
  let notified = false;
  const waiters: { position: number; resolve: () => void }[] = [];
  /** Batches failed in a row; while there are any, the wait backs off. */
  let failures = 0;

  const onAppend = (): void => {
    notified = true;
    if (failures === 0) pause.wake();
  };
  options.notifier?.on('append', onAppend);

  const loop = (async () => {
    while (!stopped) {
      notified = false;
      try {
        const events = await store.readAll(position, batchSize);
        if (events.length > 0) {
          const last = events[events.length - 1]!.position;
          if ('deliver' in options) {
            await options.deliver(events);
            await store.pool.query(saveCheckpoint, [options.name, last]);
          } else {
            await inTransaction(store.pool, async (tx) => {
              await options.handle(events, tx);
              await tx.query(saveCheckpoint, [options.name, last]);
            });
          }
          position = last;
          for (const w of waiters.filter((w) => w.position <= position)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
          failures = 0;
          if (events.length === batchSize) continue;
        }
        failures = 0;
        if (notified) continue;
      } catch (error) {
        if (stopped) break;
        failures += 1;
        options.logger.error({ err: error, subscription: options.name, position, failures }, 'subscription batch failed; retrying');
      }
      // After a failure the wait grows and appends do not cut it short: a relay whose broker is
      // down retries calmly instead of once per append.
      const waitMs = failures === 0 ? pollMs : backoffMs(failures, { baseMs: pollMs, capMs: 5000 });
      await pause.wait(waitMs);
    }
  })();

  return {
    name: options.name,
    position: () => position,
    caughtUp: (target) => (target <= position ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ position: target, resolve }))),
    stop: async () => {
      stopped = true;
      options.notifier?.off('append', onAppend);
      pause.close();
      await loop;
    },
  };
}
