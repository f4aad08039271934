import { decodeStored, subscribe, type AppendNotifier, type PgEventStore, type StoredEvent, type Subscription } from '@rapid-search/events';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { taskIds } from '../domain/assignment.js';
import type { CaseOfProfile } from '../domain/child-link.js';

export const PROFILE_PROJECTION = 'dispatch-profiles';

/**
 * Which sample each profile in the DNA database came from: a child's match names the parents'
 * profile, and this is how the system finds their case. Its own subscription, so the consoles'
 * projection carries nothing it does not show.
 */
export function startProfileProjection(options: { store: PgEventStore; notifier: AppendNotifier; logger: Logger }): Promise<Subscription> {
  const { store, logger } = options;
  const handle = async (events: StoredEvent[], tx: PoolClient): Promise<void> => {
    const profiles = events.flatMap((stored) => {
      if (stored.type !== 'DnaProfileEntered') return [];
      const d = decodeStored(stored);
      if ('error' in d || d.event.type !== 'DnaProfileEntered') {
        logger.error({ position: stored.position }, 'undecodable profile skipped by projection');
        return [];
      }
      const { profileRef, caseId, taskId, sampleId } = d.event.data;
      return [[profileRef, caseId, taskId, sampleId]];
    });
    if (profiles.length === 0) return;
    await tx.query(
      `INSERT INTO ${store.schema}.dna_profiles (profile_ref, case_id, task_id, sample_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [0, 1, 2, 3].map((i) => profiles.map((p) => p[i])),
    );
  };
  return subscribe(store, { name: PROFILE_PROJECTION, notifier: options.notifier, logger, pollMs: 250, handle });
}

/**
 * The case whose parents' sample carries the profile, with the centre holding their task and the
 * case's region (where the child went missing, from the case's area search; else the centre's).
 * A child's own profile, or one no case of this system holds, finds nothing. Both reads are by
 * primary key: the area search's id derives from the case.
 */
export async function caseOfProfile(
  pool: Pool,
  schema: string,
  profileRef: string,
  regionOf: (centerId: string) => string | undefined,
): Promise<CaseOfProfile | undefined> {
  const parents = await pool.query<{ case_id: string; task_id: string; command_center_id: string }>(
    `SELECT p.case_id, p.task_id, t.command_center_id FROM ${schema}.dna_profiles p
     JOIN ${schema}.tasks t ON t.task_id = p.task_id AND t.details->>'subject' = 'missing-child-parents'
     WHERE p.profile_ref = $1`,
    [profileRef],
  );
  const row = parents.rows[0];
  if (!row) return undefined;
  const search = await pool.query<{ region: string }>(`SELECT details->'area'->>'regionCode' AS region FROM ${schema}.tasks WHERE task_id = $1`, [
    taskIds.search(row.case_id, 'area-search'),
  ]);
  const regionCode = search.rows[0]?.region ?? regionOf(row.command_center_id);
  if (!regionCode) return undefined;
  return { caseId: row.case_id, parentsTaskId: row.task_id, commandCenterId: row.command_center_id, regionCode };
}
