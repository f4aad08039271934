import type { Pool } from 'pg';
import type { PublicRelease, ReleaseChange } from '../domain/public-release.js';

export type ReleaseView = PublicRelease & { exercise: boolean };

/**
 * Applies one change to the `releases` read model. Every statement is its own dedupe: the first
 * report opens the row and a repeat leaves it, the radius only grows, the last seen moves only to a
 * later sighting, the first close stays. A
 * widening read before its report (they share a partition, so only a replay from an offset
 * between them) opens a row the report then fills.
 */
export async function applyReleaseChange(pool: Pool, schema: string, change: ReleaseChange, exercise: boolean): Promise<void> {
  switch (change.kind) {
    case 'opened': {
      const r = change.release;
      await pool.query(
        `INSERT INTO ${schema}.releases (case_id, alert_id, child, last_seen, exercise) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (case_id) DO UPDATE SET alert_id = EXCLUDED.alert_id, child = EXCLUDED.child,
           last_seen = COALESCE(${schema}.releases.last_seen, EXCLUDED.last_seen)
         WHERE ${schema}.releases.child IS NULL`,
        [r.caseId, r.alertId, JSON.stringify(r.child), JSON.stringify(r.lastSeen), exercise],
      );
      return;
    }
    case 'radius':
      await pool.query(
        `INSERT INTO ${schema}.releases (case_id, radius_km, exercise) VALUES ($1, $2, $3)
         ON CONFLICT (case_id) DO UPDATE SET radius_km = GREATEST(${schema}.releases.radius_km, EXCLUDED.radius_km)`,
        [change.caseId, change.radiusKm, exercise],
      );
      return;
    case 'moved':
      await pool.query(
        `INSERT INTO ${schema}.releases (case_id, last_seen, exercise) VALUES ($1, $2, $3)
         ON CONFLICT (case_id) DO UPDATE SET last_seen = EXCLUDED.last_seen
         WHERE ${schema}.releases.last_seen IS NULL
            OR (${schema}.releases.last_seen->>'at')::timestamptz < (EXCLUDED.last_seen->>'at')::timestamptz`,
        [change.caseId, JSON.stringify(change.lastSeen), exercise],
      );
      return;
    case 'closed':
      await pool.query(
        `INSERT INTO ${schema}.releases (case_id, closed, exercise) VALUES ($1, $2, $3)
         ON CONFLICT (case_id) DO UPDATE SET closed = COALESCE(${schema}.releases.closed, EXCLUDED.closed)`,
        [change.caseId, JSON.stringify({ at: change.at, reason: change.reason }), exercise],
      );
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
