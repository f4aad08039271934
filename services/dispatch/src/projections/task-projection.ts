import { decodeStored, subscribe, type AppendNotifier, type PgEventStore, type StoredEvent, type Subscription } from '@rapid-search/events';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Directory } from '../domain/directory.js';
import { isAssignment, kindOf } from '../domain/task.js';

export const PROJECTION = 'dispatch-tasks';

/** An event and the centers whose consoles must see it, handed to the live fan-out after commit. */
export interface Delivery {
  stored: StoredEvent;
  centers: string[];
}

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

interface TaskRow {
  task_id: string;
  case_id: string;
  kind: string;
  command_center_id: string;
  status: string;
  deadline_at: string | null;
  assigned_at: string;
  details: unknown;
  position: number;
}

/**
 * The single writer of the read models. A task is seen by every center it has been assigned to:
 * after an escalation the center above acts on it and the original center keeps watching it.
 * Deliveries go to the live consoles only once the batch and its checkpoint have committed.
 */
export async function startTaskProjection(options: {
  store: PgEventStore;
  notifier: AppendNotifier;
  directory: Directory;
  logger: Logger;
  onCommitted: (batch: CommittedBatch) => void;
}): Promise<Subscription> {
  const s = options.store.schema;
  let started!: (sub: Subscription) => void;
  const ready = new Promise<Subscription>((resolve) => (started = resolve));
  /** Deadlines stop at the top of the chain: there is nowhere further to escalate to. */
  const deadline = (centerId: string, at: string) => (options.directory.parentOf(centerId) ? at : null);

  const handle = async (events: StoredEvent[], tx: PoolClient): Promise<void> => {
    const decoded = events.flatMap((stored) => {
      const d = decodeStored(stored);
      if ('error' in d) {
        options.logger.error({ position: stored.position, reason: d.error }, 'undecodable event skipped by projection');
        return [];
      }
      return [{ stored, event: d.event }];
    });
    const known = [...new Set(decoded.filter((d) => !isAssignment(d.event)).map((d) => (d.event.data as { taskId: string }).taskId))];
    const rows = new Map<string, TaskRow>();
    const centers = new Map<string, Set<string>>();
    if (known.length > 0) {
      const loaded = await tx.query<TaskRow>(`SELECT * FROM ${s}.tasks WHERE task_id = ANY($1)`, [known]);
      for (const r of loaded.rows) rows.set(r.task_id, { ...r, deadline_at: r.deadline_at && new Date(r.deadline_at).toISOString() });
      const seen = await tx.query<{ task_id: string; command_center_id: string }>(
        `SELECT task_id, command_center_id FROM ${s}.task_centers WHERE task_id = ANY($1)`,
        [known],
      );
      for (const r of seen.rows) (centers.get(r.task_id) ?? centers.set(r.task_id, new Set()).get(r.task_id)!).add(r.command_center_id);
    }
    const changed = new Map<string, TaskRow>();
    const created = new Set<string>();
    const visibility: [string, string][] = [];
    const feed: [string, number][] = [];
    const deliveries: Delivery[] = [];
    for (const { stored, event } of decoded) {
      const taskId = (event.data as { taskId: string }).taskId;
      let row = rows.get(taskId);
      if (isAssignment(event)) {
        const d = event.data;
        row = {
          task_id: taskId,
          case_id: d.caseId,
          kind: kindOf(event),
          command_center_id: d.commandCenterId,
          status: 'assigned',
          deadline_at: deadline(d.commandCenterId, d.deadlineAt),
          assigned_at: d.assignedAt,
          details: { type: event.type, ...d },
          position: stored.position,
        };
        created.add(taskId);
        centers.set(taskId, new Set());
      }
      if (!row) continue;
      const seenBy = centers.get(taskId) ?? centers.set(taskId, new Set()).get(taskId)!;
      if (event.type === 'TaskAcknowledged') row = { ...row, status: 'acknowledged', deadline_at: null };
      if (event.type === 'TaskCompleted') row = { ...row, status: 'completed', deadline_at: null };
      if (event.type === 'TaskEscalated') {
        const to = event.data.toCommandCenterId;
        row = { ...row, command_center_id: to, deadline_at: row.status === 'assigned' ? deadline(to, event.data.deadlineAt) : null };
      }
      row = { ...row, position: stored.position };
      rows.set(taskId, row);
      changed.set(taskId, row);
      if (!seenBy.has(row.command_center_id)) {
        seenBy.add(row.command_center_id);
        visibility.push([row.command_center_id, taskId]);
      }
      for (const center of seenBy) feed.push([center, stored.position]);
      deliveries.push({ stored, centers: [...seenBy] });
    }
    const last = events[events.length - 1]!.position;
    await write(tx, s, [...changed.values()], created, visibility, feed, last);
    // Nothing lies between the checkpoint and the first event read; positions have gaps, so the
    // checkpoint may be further back, and claiming less than the batch covered is safe.
    const batch = { after: events[0]!.position - 1, upTo: last, deliveries };
    void ready.then((sub) => sub.caughtUp(last)).then(() => options.onCommitted(batch));
  };

  const subscription = await subscribe(options.store, { name: PROJECTION, notifier: options.notifier, logger: options.logger, pollMs: 250, handle });
  started(subscription);
  return subscription;
}

/**
 * Every write of a batch in one statement (one round trip): new tasks, changed tasks, which centers
 * see which task, the consoles' feed, and the notice to the feed followers, which Postgres sends
 * only once the transaction commits. New and changed tasks are never the same rows, as a task
 * created in this batch is written once with its latest state. A read model is rebuilt from the
 * store: a commit lost in a crash rolls back with its checkpoint and is simply projected again, so
 * the transaction need not wait for the WAL flush (`set_config(…, true)` is `SET LOCAL`).
 */
async function write(
  tx: PoolClient,
  s: string,
  rows: TaskRow[],
  created: Set<string>,
  visibility: [string, string][],
  feed: [string, number][],
  last: number,
): Promise<void> {
  await tx.query(
    `WITH created AS (
       INSERT INTO ${s}.tasks SELECT * FROM jsonb_populate_recordset(NULL::${s}.tasks, $1::jsonb)
       ON CONFLICT (task_id) DO NOTHING
     ), changed AS (
       UPDATE ${s}.tasks t SET command_center_id = u.command_center_id, status = u.status, deadline_at = u.deadline_at, position = u.position
       FROM jsonb_populate_recordset(NULL::${s}.tasks, $2::jsonb) u WHERE t.task_id = u.task_id
     ), seen AS (
       INSERT INTO ${s}.task_centers (command_center_id, task_id) SELECT * FROM unnest($3::text[], $4::text[]) ON CONFLICT DO NOTHING
     ), fed AS (
       INSERT INTO ${s}.console_feed (command_center_id, position) SELECT * FROM unnest($5::text[], $6::bigint[]) ON CONFLICT DO NOTHING
     )
     SELECT set_config('synchronous_commit', 'off', true), pg_notify('${feedNotices(s)}_events', $7)`,
    [
      JSON.stringify(rows.filter((r) => created.has(r.task_id))),
      JSON.stringify(rows.filter((r) => !created.has(r.task_id))),
      visibility.map((v) => v[0]),
      visibility.map((v) => v[1]),
      feed.map((f) => f[0]),
      feed.map((f) => f[1]),
      String(last),
    ],
  );
}
