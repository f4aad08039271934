import {
  decodeStored,
  inTransaction,
  storeCheckpoint,
  subscribe,
  type CheckpointWrite,
  type AppendNotifier,
  type PersonalData,
  type PgEventStore,
  type StoredEvent,
  type Subscription,
} from '@rapid-search/events';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Directory } from '../domain/directory.js';
import { entersProfiles, indexProfiles } from './profile-index.js';
import { taskChanges, tasksToLoad, type Delivery, type TaskChanges, type TaskRow, type TasksBefore } from './task-changes.js';

export type { Delivery } from './task-changes.js';

export const PROJECTION = 'dispatch-tasks';

/** A committed batch: every event in (after, upTo] was projected; `deliveries` are those consoles see. */
export interface CommittedBatch {
  after: number;
  upTo: number;
  deliveries: Delivery[];
}

/**
 * Names the append notifier that hears the projection's commits on every instance: it listens on
 * `<name>_events`, the channel the projection's write notifies.
 */
export const feedNotices = (schema: string): string => `${schema}_feed`;

/**
 * The single writer of the read models: each batch is read (the rows of the tasks it touches),
 * turned into changes by `taskChanges`, and written with its checkpoint in one statement; a batch
 * that enters DNA profiles indexes them too. Deliveries go to the live consoles only once the batch
 * and its checkpoint have committed.
 */
export async function startTaskProjection(options: {
  store: PgEventStore;
  personal: PersonalData;
  notifier: AppendNotifier;
  directory: Directory;
  logger: Logger;
  onCommitted: (batch: CommittedBatch) => void;
}): Promise<Subscription> {
  let started!: (sub: Subscription) => void;
  const ready = new Promise<Subscription>((resolve) => (started = resolve));

  const write = async (events: StoredEvent[], checkpoint: CheckpointWrite): Promise<void> => {
    const decoded = events.flatMap((stored) => {
      const d = decodeStored(stored);
      if ('error' in d) {
        options.logger.error({ position: stored.position, reason: d.error }, 'undecodable event skipped by projection');
        return [];
      }
      return [{ stored, event: d.event }];
    });
    const toLoad = tasksToLoad(decoded);
    // A batch that only assigns tasks reads nothing and indexes no profile: its one statement is
    // its transaction. Any other reads the rows it changes and writes in a transaction.
    const changes =
      toLoad.length === 0 && !entersProfiles(decoded)
        ? await writeChanges(options.store.pool, taskChanges(decoded, NOTHING_BEFORE, options.directory), checkpoint)
        : await inTransaction(options.store.pool, async (tx) => {
            const changed = await writeChanges(tx, taskChanges(decoded, await readTasks(tx, toLoad), options.directory), checkpoint);
            await indexProfiles(tx, options.store.schema, options.personal, decoded);
            return changed;
          });
    // Nothing lies between the checkpoint and the first event read; positions have gaps, so the
    // checkpoint may be further back, and claiming less than the batch covered is safe.
    const batch = { after: events[0]!.position - 1, upTo: checkpoint.position, deliveries: changes.deliveries };
    void ready.then((sub) => sub.caughtUp(checkpoint.position)).then(() => options.onCommitted(batch));
  };

  const subscription = await subscribe(options.store, { name: PROJECTION, notifier: options.notifier, logger: options.logger, pollMs: 250, write });
  started(subscription);
  return subscription;
}

/**
 * Every write of a batch in one statement (one round trip): new tasks, changed tasks, which centers
 * see which task, the consoles' feed, the checkpoint, and the notice to the feed followers, which
 * Postgres sends only once the transaction commits. New and changed tasks are never the same rows,
 * as a task created in this batch is written once with its latest state. A read model is rebuilt
 * from the store: a commit lost in a crash rolls back with its checkpoint and is simply projected
 * again, so the transaction need not wait for the WAL flush (`set_config(…, true)` is `SET LOCAL`).
 */
async function writeChanges(db: Pool | PoolClient, changes: TaskChanges, checkpoint: CheckpointWrite): Promise<TaskChanges> {
  const { rows, created, visibility, feed } = changes;
  await db.query({
    // Named: parsed and planned once per session, not at every batch.
    name: 'dispatch.write-tasks',
    text: `WITH created AS (
       INSERT INTO dispatch.tasks SELECT * FROM jsonb_populate_recordset(NULL::dispatch.tasks, $1::jsonb)
       ON CONFLICT (task_id) DO NOTHING
     ), changed AS (
       UPDATE dispatch.tasks t SET command_center_id = u.command_center_id, status = u.status, deadline_at = u.deadline_at, details = u.details,
         position = u.position
       FROM jsonb_populate_recordset(NULL::dispatch.tasks, $2::jsonb) u WHERE t.task_id = u.task_id
     ), seen AS (
       INSERT INTO dispatch.task_centers (command_center_id, task_id) SELECT * FROM unnest($3::text[], $4::text[]) ON CONFLICT DO NOTHING
     ), fed AS (
       INSERT INTO dispatch.console_feed (command_center_id, position) SELECT * FROM unnest($5::text[], $6::bigint[]) ON CONFLICT DO NOTHING
     ), saved AS (${storeCheckpoint(checkpoint.table, '$7', '$8::bigint')})
     SELECT set_config('synchronous_commit', 'off', true), pg_notify('${feedNotices('dispatch')}_events', $8::text)`,
    values: [
      JSON.stringify(rows.filter((r) => created.has(r.task_id))),
      JSON.stringify(rows.filter((r) => !created.has(r.task_id))),
      visibility.map((v) => v[0]),
      visibility.map((v) => v[1]),
      feed.map((f) => f[0]),
      feed.map((f) => f[1]),
      checkpoint.name,
      String(checkpoint.position),
    ],
  });
  return changes;
}

const NOTHING_BEFORE: TasksBefore = { rows: new Map(), centers: new Map() };

/** The rows of the tasks a batch changes, and the centers that see each; nothing to read, no query. */
async function readTasks(tx: PoolClient, taskIds: string[]): Promise<TasksBefore> {
  const rows = new Map<string, TaskRow>();
  const centers = new Map<string, Set<string>>();
  if (taskIds.length === 0) return { rows, centers };
  const loaded = await tx.query<TaskRow>('SELECT * FROM dispatch.tasks WHERE task_id = ANY($1)', [taskIds]);
  for (const r of loaded.rows) rows.set(r.task_id, { ...r, deadline_at: r.deadline_at && new Date(r.deadline_at).toISOString() });
  const seen = await tx.query<{ task_id: string; command_center_id: string }>(
    'SELECT task_id, command_center_id FROM dispatch.task_centers WHERE task_id = ANY($1)',
    [taskIds],
  );
  for (const r of seen.rows) (centers.get(r.task_id) ?? centers.set(r.task_id, new Set()).get(r.task_id)!).add(r.command_center_id);
  return { rows, centers };
}
