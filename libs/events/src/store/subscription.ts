import type { Logger } from 'pino';
import type { PgEventStore, StoredEvent } from './event-store.js';
import type { AppendNotifier } from './notifier.js';
import { setTimeout } from 'node:timers/promises';
import { backoffMs } from '../backoff.js';
import { Pause } from '../pause.js';
import { quoteIdent } from './sql.js';

/**
 * How often a delivering subscription stores its checkpoint while it keeps delivering. Storing it
 * after every batch was a statement and a commit per batch; what a crash republishes instead is
 * this long's worth of events, which every receiver recognises by event id.
 */
const DELIVERED_CHECKPOINT_MS = 250;

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
        /**
         * Writes a batch's effect and `checkpoint` together, in one statement or in a transaction
         * of its own, so that effect and checkpoint commit together. A batch written in one
         * statement costs one round trip; a BEGIN, a checkpoint statement and a COMMIT around it
         * would cost three more.
         */
        write: (events: StoredEvent[], checkpoint: CheckpointWrite) => Promise<void>;
      }
    | {
        /**
         * Delivers a batch somewhere outside Postgres (a broker). The checkpoint is stored after the
         * delivery returned, by a statement of its own, at most once per `DELIVERED_CHECKPOINT_MS`
         * and before the reader waits: a crash delivers again what it delivered since (at least
         * once; the receivers dedupe), and no transaction is held open across a delivery.
         */
        deliver: (events: StoredEvent[]) => Promise<void>;
        /**
         * How long to wait, once woken, before reading (a producer's linger): the appends of that
         * moment are then read and delivered together rather than one delivery each.
         */
        lingerMs?: number;
      }
  );

/** The checkpoint a `write` stores with its batch's effect: `(name, position)` into `table`, replacing the name's row. */
export interface CheckpointWrite {
  table: string;
  name: string;
  position: number;
}

/**
 * The statement that stores a checkpoint, the name's row replaced: `name` and `position` are the
 * SQL (placeholders) that give them, so a `write` can make it one part of its own statement.
 */
export const storeCheckpoint = (table: string, name: string, position: string): string =>
  `INSERT INTO ${table} (name, position, updated_at) VALUES (${name}, ${position}, now())
   ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`;

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
  /** The position last stored, and when: a delivering subscription stores it in arrears. */
  let stored = { position, at: 0 };
  const saveCheckpoint = (at: number) => ({
    name: `${store.schema}.save-checkpoint`,
    text: storeCheckpoint(table, '$1', '$2'),
    values: [options.name, at],
  });
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

  /** Stores a delivered position not stored yet, once its turn has come (or at once, `now`). */
  const storeDelivered = async (now: boolean): Promise<void> => {
    const at = performance.now();
    if (stored.position === position || (!now && at - stored.at < DELIVERED_CHECKPOINT_MS)) return;
    const next = { position, at };
    await store.pool.query(saveCheckpoint(next.position));
    stored = next;
  };

  const lingerMs = 'deliver' in options ? (options.lingerMs ?? 0) : 0;
  /** Whether the last read filled a batch: the next one follows at once, with no linger. */
  let full = false;

  const loop = (async () => {
    while (!stopped) {
      if (lingerMs > 0 && !full) {
        await setTimeout(lingerMs);
        if (stopped) break;
      }
      notified = false;
      full = false;
      try {
        const events = await store.readAll(position, batchSize);
        full = events.length === batchSize;
        if (events.length > 0) {
          const last = events[events.length - 1]!.position;
          if ('deliver' in options) {
            await options.deliver(events);
            position = last;
          } else {
            await options.write(events, { table, name: options.name, position: last });
            position = last;
            stored = { position, at: performance.now() };
          }
          for (const w of waiters.filter((w) => w.position <= position)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        await storeDelivered(false);
        failures = 0;
        if (full || notified) continue;
      } catch (error) {
        if (stopped) break;
        failures += 1;
        options.logger.error({ err: error, subscription: options.name, position, failures }, 'subscription batch failed; retrying');
      }
      // After a failure the wait grows and appends do not cut it short: a relay whose broker is
      // down retries calmly instead of once per append.
      const waitMs = failures === 0 ? pollMs : backoffMs(failures, { baseMs: pollMs, capMs: 5000 });
      // A delivered position still unstored cuts the wait short, to store it when its turn comes.
      const due = stored.position === position ? waitMs : Math.max(1, DELIVERED_CHECKPOINT_MS - (performance.now() - stored.at));
      await pause.wait(Math.min(waitMs, due));
    }
    // What was delivered since the last store is stored on the way out, so a restart does not
    // deliver it again; if that fails, a restart does (at least once).
    await storeDelivered(true).catch(() => undefined);
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
