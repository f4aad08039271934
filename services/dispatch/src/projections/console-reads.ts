import { inTransaction, type EventData, type StoredEvent } from '@rapid-search/events';
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import { PROJECTION } from './task-projection.js';

export interface TaskView {
  taskId: string;
  caseId: string;
  kind: string;
  commandCenterId: string;
  status: string;
  deadlineAt: string | null;
  assignedAt: string;
  details: unknown;
  position: number;
  exercise: boolean;
}

const TASK_COLUMNS = `t.task_id AS "taskId", t.case_id AS "caseId", t.kind, t.command_center_id AS "commandCenterId", t.status,
  t.deadline_at AS "deadlineAt", t.assigned_at AS "assignedAt", t.details, t.position::float8 AS position, t.exercise`;

/**
 * Reads a center's view together with the projection checkpoint in one repeatable-read snapshot,
 * so the position handed to the console is exactly the point the view reflects.
 */
async function atCheckpoint<T>(
  pool: Pool,
  schema: string,
  read: (tx: PoolClient, position: number) => Promise<T>,
): Promise<{ position: number; value: T }> {
  return inTransaction(
    pool,
    async (tx) => {
      const { rows } = await tx.query<{ position: string }>(`SELECT position FROM ${schema}.checkpoints WHERE name = $1`, [PROJECTION]);
      const position = Number(rows[0]?.position ?? 0);
      return { position, value: await read(tx, position) };
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
}

/** The open tasks a center sees, as of the returned position. */
export function readSnapshot(pool: Pool, schema: string, centerId: string): Promise<{ position: number; value: TaskView[] }> {
  return atCheckpoint(pool, schema, async (tx) => {
    const { rows } = await tx.query<TaskView>(
      `SELECT ${TASK_COLUMNS} FROM ${schema}.task_centers c JOIN ${schema}.tasks t USING (task_id)
       WHERE c.command_center_id = $1 AND t.status <> 'completed' ORDER BY t.position`,
      [centerId],
    );
    return rows.map(withIsoTimes);
  });
}

/** The position the consoles' view reflects: the projection's checkpoint, the head a resume may ask up to. */
export async function feedHead(pool: Pool, schema: string): Promise<number> {
  const { rows } = await pool.query<{ position: string }>(`SELECT position FROM ${schema}.checkpoints WHERE name = $1`, [PROJECTION]);
  return Number(rows[0]?.position ?? 0);
}

/**
 * One page of the stored events (personal fields sealed) a center's consoles saw after `after`, up to `upTo` (a head read
 * before): rows up to a checkpoint never change, so pages read in turn make one consistent replay.
 */
export async function readFeedPage(
  pool: Pool,
  schema: string,
  centerId: string,
  after: number,
  upTo: number,
  limit: number,
): Promise<{ events: StoredEvent[]; last: number }> {
  const { rows } = await pool.query<FeedRow>(
    `SELECT ${FEED_COLUMNS}
     FROM ${schema}.console_feed f JOIN ${schema}.events e ON e.position = f.position
     WHERE f.command_center_id = $1 AND f.position > $2 AND f.position <= $3 ORDER BY f.position LIMIT $4`,
    [centerId, after, upTo, limit],
  );
  return { events: rows.map(toStored), last: rows.length > 0 ? Number(rows[rows.length - 1]!.position) : after };
}

/** Where a page of tasks ends: newest assignment first, the task id breaking ties. */
export const TaskCursor = z.tuple([z.iso.datetime(), z.string().min(1)]);

/** A page of tasks, newest first; `before` is the last task of the previous page. */
export async function readTasks(
  pool: Pool,
  schema: string,
  filter: { commandCenterId?: string | undefined; status?: string | undefined; before?: z.infer<typeof TaskCursor> | undefined; limit: number },
): Promise<TaskView[]> {
  const { rows } = await pool.query<TaskView>(
    `SELECT ${TASK_COLUMNS} FROM ${schema}.tasks t
     WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM ${schema}.task_centers c WHERE c.task_id = t.task_id AND c.command_center_id = $1))
       AND ($2::text IS NULL OR t.status = $2)
       AND ($3::timestamptz IS NULL OR (t.assigned_at, t.task_id) < ($3::timestamptz, $4::text))
     ORDER BY t.assigned_at DESC, t.task_id DESC LIMIT $5`,
    [filter.commandCenterId ?? null, filter.status ?? null, filter.before?.[0] ?? null, filter.before?.[1] ?? null, filter.limit],
  );
  return rows.map(withIsoTimes);
}

function withIsoTimes(r: TaskView): TaskView {
  return {
    ...r,
    deadlineAt: r.deadlineAt && new Date(r.deadlineAt).toISOString(),
    assignedAt: new Date(r.assignedAt).toISOString(),
  };
}

/**
 * The one wire shape of an event for a center's consoles, live or replayed. A step's interceptions
 * are shown each center with only its own tasks among them: the hubs of other centers are theirs.
 */
export function eventMessage(stored: StoredEvent, centerId: string): string {
  return JSON.stringify({
    type: 'event',
    position: stored.position,
    event: stored.type === INTERCEPTIONS ? ownInterceptions(stored, centerId) : stored,
  });
}

/** Whether a center's message of this event is its own, not the one every center is sent. */
export const differsByCenter = (stored: StoredEvent): boolean => stored.type === INTERCEPTIONS;

const INTERCEPTIONS = 'InterceptionTasksAssigned';

function ownInterceptions(stored: StoredEvent, centerId: string): StoredEvent {
  const data = stored.data as EventData<typeof INTERCEPTIONS>;
  return { ...stored, data: { ...data, tasks: data.tasks.filter((t) => t.commandCenterId === centerId) } };
}

/** The columns of `e`, an events row, that make a `FeedRow`. */
export const FEED_COLUMNS = `e.position, e.stream_id, e.stream_version, e.event_id, e.type, e.schema_version, e.case_id, e.data,
  e.metadata, e.occurred_at, e.recorded_at`;

export interface FeedRow {
  position: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  case_id: string | null;
  data: unknown;
  metadata: StoredEvent['metadata'];
  occurred_at: Date;
  recorded_at: Date;
}

export function toStored(r: FeedRow): StoredEvent {
  return {
    eventId: r.event_id,
    type: r.type,
    version: r.schema_version,
    streamId: r.stream_id,
    streamVersion: r.stream_version,
    position: Number(r.position),
    caseId: r.case_id,
    metadata: r.metadata,
    occurredAt: r.occurred_at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    data: r.data,
  };
}
