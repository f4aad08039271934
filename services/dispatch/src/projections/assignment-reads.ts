import type { Pool } from 'pg';
import { interceptionsStream } from '../domain/interceptions.js';

/** What the `tasks` read model says of where a task was assigned: its case, and the type of its assignment. */
export interface AssignedIn {
  case_id: string;
  assignment: string;
}

/** The columns of a `tasks` row that make an `AssignedIn`. */
export const ASSIGNED_IN = `case_id, details->>'type' AS assignment`;

/**
 * The streams folded before a task's own when a command is decided on it: an interception assigned
 * with the others of its step has its assignment in its case's interception stream. Which stream
 * that is never changes, so the read model may name it; the state itself is folded from events.
 */
export const assignmentReads = (row: AssignedIn | undefined): string[] =>
  row?.assignment === 'InterceptionTasksAssigned' ? [interceptionsStream(row.case_id)] : [];

/** The streams `assignmentReads` names for a task; a task not projected yet is read from its own stream alone. */
export async function readsOfTask(pool: Pool, schema: string, taskId: string): Promise<string[]> {
  const { rows } = await pool.query<AssignedIn>(`SELECT ${ASSIGNED_IN} FROM ${schema}.tasks WHERE task_id = $1`, [taskId]);
  return assignmentReads(rows[0]);
}
