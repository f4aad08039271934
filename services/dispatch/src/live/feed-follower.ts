import { AppendNotifier, Pause, type Subscription } from '@rapid-search/events';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { FEED_COLUMNS, toStored, type FeedRow } from '../projections/console-reads.js';
import { PROJECTION, feedNotices, type CommittedBatch, type Delivery } from '../projections/task-projection.js';

/** The most positions one read spans, so a follower far behind catches up in bounded steps. */
const SPAN = 5000;

export interface FeedFollower extends Subscription {
  /** A batch this process's own projection committed: handed on without reading it back. */
  offer(batch: CommittedBatch): void;
}

/**
 * Hands every committed event of the consoles' feed to this instance's hub, whichever instance
 * runs the projection: in position order, each once, none skipped. It is the hub's one way in, and
 * it keeps `covered`, the position up to which everything has been handed on. A batch is taken
 * only if it starts at or before `covered` (the part already handed on is dropped), so a batch
 * offered by a projection that has just taken over, ahead of what this instance has, is refused and
 * read back from the feed instead. Reads take the projection checkpoint and the feed rows up to it
 * in one statement: the projection commits both together, and positions commit in order.
 */
export async function startFeedFollower(options: {
  pool: Pool;
  schema: string;
  connectionString: string;
  /** Every center a console may connect for. */
  centers: string[];
  logger: Logger;
  publish: (deliveries: Delivery[]) => void;
  pollMs?: number;
}): Promise<FeedFollower> {
  const { pool, schema: s, logger } = options;
  const pollMs = options.pollMs ?? 1000;
  const { rows } = await pool.query<{ position: string }>(`SELECT position FROM ${s}.checkpoints WHERE name = $1`, [PROJECTION]);
  // Nothing before the start goes out live: a console that connects reads its past from the feed.
  let covered = Number(rows[0]?.position ?? 0);
  const waiters: { position: number; resolve: () => void }[] = [];

  const take = (batch: CommittedBatch): boolean => {
    if (batch.after > covered) return false;
    const fresh = batch.deliveries.filter((d) => d.stored.position > covered);
    covered = Math.max(covered, batch.upTo);
    if (fresh.length > 0) options.publish(fresh);
    for (const w of waiters.filter((w) => w.position <= covered)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    return true;
  };

  /** Reads one span after `covered`; true if the checkpoint lies beyond it. */
  const read = async (): Promise<boolean> => {
    const after = covered;
    const { rows } = await pool.query<FeedRow & { checkpoint: string; up_to: string; centers: string[] | null }>(
      `WITH bound AS (
         SELECT position AS checkpoint, least(position, $2::bigint + $3) AS up_to FROM ${s}.checkpoints WHERE name = $1
       ), fed AS (
         SELECT f.position, array_agg(f.command_center_id) AS centers
         FROM bound b JOIN ${s}.console_feed f ON f.command_center_id = ANY($4) AND f.position > $2 AND f.position <= b.up_to
         GROUP BY f.position
       )
       SELECT b.checkpoint, b.up_to, fed.centers, ${FEED_COLUMNS}
       FROM bound b LEFT JOIN fed ON true LEFT JOIN ${s}.events e ON e.position = fed.position
       ORDER BY fed.position`,
      [PROJECTION, after, SPAN, options.centers],
    );
    const first = rows[0];
    if (!first) return false;
    const deliveries = rows.filter((r) => r.centers).map((r) => ({ stored: toStored(r), centers: r.centers! }));
    take({ after, upTo: Number(first.up_to), deliveries });
    return Number(first.checkpoint) > Number(first.up_to);
  };

  let stopped = false;
  let notified = false;
  const pause = new Pause();
  // The append notifier's reconnects and backoff, on the channel the projection's commits notify.
  const notifier = new AppendNotifier(options.connectionString, feedNotices(s), logger);
  notifier.on('append', (position: number) =>
    setImmediate(() => {
      // Mostly this instance's own projection, whose offer was due in the same turn. A reconnect
      // announces position 0: whatever was sent meanwhile is gone, so that one is always read.
      if (position > 0 && position <= covered) return;
      notified = true;
      pause.wake();
    }),
  );
  await notifier.start();

  const loop = (async () => {
    while (!stopped) {
      notified = false;
      try {
        if (await read()) continue;
        if (notified) continue;
      } catch (error) {
        if (stopped) break;
        logger.error({ err: error, covered }, 'console feed read failed; retrying');
      }
      await pause.wait(pollMs);
    }
  })();

  return {
    name: 'dispatch-feed',
    position: () => covered,
    caughtUp: (target) => (target <= covered ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ position: target, resolve }))),
    offer: (batch) => void take(batch),
    stop: async () => {
      stopped = true;
      pause.close();
      await loop;
      await notifier.close();
    },
  };
}
