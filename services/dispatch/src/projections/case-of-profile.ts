import type { PersonalData } from '@rapid-search/events';
import type { Pool } from 'pg';
import { taskIds } from '../domain/assignment.js';
import type { CaseOfProfile } from '../domain/child-link.js';

/**
 * The case whose parents' sample carries the profile the lab names in clear, with the centre
 * holding their task and the case's region (where the child went missing, from the case's area
 * search; else the centre's), and the reference as the case's records hold it. A child's own
 * profile, or one no case of this system holds, finds nothing. The profile is found by its blind
 * index (projections/profile-index.ts), the area search by its id, which derives from the case.
 */
export async function caseOfProfile(
  pool: Pool,
  schema: string,
  personal: PersonalData,
  profileRef: string,
  regionOf: (centerId: string) => string | undefined,
): Promise<CaseOfProfile | undefined> {
  const parents = await pool.query<{ case_id: string; task_id: string; command_center_id: string }>(
    `SELECT p.case_id, t.task_id, t.command_center_id FROM ${schema}.dna_profile_index p
     JOIN ${schema}.tasks t ON t.task_id = p.task_id AND t.details->>'subject' = 'missing-child-parents'
     WHERE p.profile_index = $1
     LIMIT 1`,
    [personal.index(profileRef)],
  );
  const row = parents.rows[0];
  if (!row) return undefined;
  const search = await pool.query<{ region: string }>(`SELECT details->'area'->>'regionCode' AS region FROM ${schema}.tasks WHERE task_id = $1`, [
    taskIds.search(row.case_id, 'area-search'),
  ]);
  const regionCode = search.rows[0]?.region ?? regionOf(row.command_center_id);
  if (!regionCode) return undefined;
  return {
    caseId: row.case_id,
    parentsTaskId: row.task_id,
    commandCenterId: row.command_center_id,
    regionCode,
    profileRef: await personal.sealValue(row.case_id, profileRef),
  };
}
