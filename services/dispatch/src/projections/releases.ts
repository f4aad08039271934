import type { Pool } from 'pg';
import type { PublicRelease, ReleaseChange } from '../domain/public-release.js';

export type ReleaseView = PublicRelease & { exercise: boolean };

/** A change with the drill mark of the event it came from. */
export interface MarkedChange {
  change: ReleaseChange;
  exercise: boolean;
}

/**
 * What a kind of change does to a row it finds. Every statement is its own dedupe: the first
 * report opens the row and a repeat leaves it, the radius only grows, the last seen moves only to a
 * later sighting, the first close stays. A widening read before its report (they share a
 * partition, so only a replay from an offset between them) opens a row the report then fills.
 */
const UPSERTS: Record<ReleaseChange['kind'], { columns: string; onConflict: (table: string) => string }> = {
  opened: {
    columns: 'alert_id, child, last_seen',
    onConflict: (r) =>
      `alert_id = EXCLUDED.alert_id, child = EXCLUDED.child, last_seen = COALESCE(${r}.last_seen, EXCLUDED.last_seen) WHERE ${r}.child IS NULL`,
  },
  radius: { columns: 'radius_km', onConflict: (r) => `radius_km = GREATEST(${r}.radius_km, EXCLUDED.radius_km)` },
  moved: {
    columns: 'last_seen',
    onConflict: (r) =>
      `last_seen = EXCLUDED.last_seen WHERE ${r}.last_seen IS NULL OR (${r}.last_seen->>'at')::timestamptz < (EXCLUDED.last_seen->>'at')::timestamptz`,
  },
  closed: { columns: 'closed', onConflict: (r) => `closed = COALESCE(${r}.closed, EXCLUDED.closed)` },
};

/**
 * Applies a chunk's changes to the `releases` read model with one statement per kind of change,
 * not one per change. An upsert may touch a row only once, and a case's changes must keep their
 * order, so they go in rounds: each case's first change in the first round, its second in the
 * next. Within a round every case appears once, so its statements touch different rows and their
 * order does not matter.
 */
export async function applyReleaseChanges(pool: Pool, schema: string, changes: readonly MarkedChange[]): Promise<void> {
  const table = `${schema}.releases`;
  for (const round of rounds(changes)) {
    for (const [kind, rows] of Object.entries(Object.groupBy(round, (c) => c.change.kind))) {
      const { columns, onConflict } = UPSERTS[kind as ReleaseChange['kind']];
      await pool.query(
        `INSERT INTO ${table} (case_id, ${columns}, exercise)
         SELECT case_id, ${columns}, exercise FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)
         ON CONFLICT (case_id) DO UPDATE SET ${onConflict(table)}`,
        [JSON.stringify(rows!.map(toRow))],
      );
    }
  }
}

function rounds(changes: readonly MarkedChange[]): MarkedChange[][] {
  const out: MarkedChange[][] = [];
  const seen = new Map<string, number>();
  for (const c of changes) {
    const caseId = c.change.kind === 'opened' ? c.change.release.caseId : c.change.caseId;
    const round = seen.get(caseId) ?? 0;
    seen.set(caseId, round + 1);
    (out[round] ??= []).push(c);
  }
  return out;
}

function toRow({ change, exercise }: MarkedChange): Record<string, unknown> {
  switch (change.kind) {
    case 'opened': {
      const r = change.release;
      return { case_id: r.caseId, alert_id: r.alertId, child: r.child, last_seen: r.lastSeen, exercise };
    }
    case 'radius':
      return { case_id: change.caseId, radius_km: change.radiusKm, exercise };
    case 'moved':
      return { case_id: change.caseId, last_seen: change.lastSeen, exercise };
    case 'closed':
      return { case_id: change.caseId, closed: { at: change.at, reason: change.reason }, exercise };
  }
}

/**
 * A case's release, for a reader who may see it: a console only when its center sees a task of
 * the case (null otherwise, as for a case with no release yet).
 */
export async function readRelease(pool: Pool, schema: string, caseId: string, centerId: string | null): Promise<ReleaseView | null> {
  const { rows } = await pool.query<{
    case_id: string;
    alert_id: string;
    child: PublicRelease['child'];
    last_seen: PublicRelease['lastSeen'];
    radius_km: number | null;
    closed: PublicRelease['closed'];
    exercise: boolean;
  }>(
    `SELECT r.* FROM ${schema}.releases r
     WHERE r.case_id = $1 AND r.child IS NOT NULL
       AND ($2::text IS NULL OR EXISTS (
         SELECT 1 FROM ${schema}.tasks t JOIN ${schema}.task_centers c USING (task_id) WHERE t.case_id = r.case_id AND c.command_center_id = $2))`,
    [caseId, centerId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    caseId: r.case_id,
    alertId: r.alert_id,
    child: r.child,
    lastSeen: r.last_seen,
    radiusKm: r.radius_km,
    closed: r.closed,
    exercise: r.exercise,
  };
}
