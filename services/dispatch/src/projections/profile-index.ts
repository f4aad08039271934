import { ERASED, isSealed, type PersonalData } from '@rapid-search/events';
import type { PoolClient } from 'pg';
import type { Decoded } from './task-changes.js';

/** Whether a batch enters a profile, which `indexProfiles` then indexes. */
export const entersProfiles = (batch: readonly Decoded[]): boolean => batch.some(({ event }) => event.type === 'DnaProfileEntered');

/**
 * 入库 profiles by their blind index. The lab names a child's match by the parents' profile in
 * clear, while each stored `profileRef` is sealed under its own case's key, so no sealed text can
 * be compared across cases: the keyed hash of the opened reference finds the profile instead.
 * Only a reference that opens is indexed: a profile whose case was erased finds no case any more.
 * Written by the tasks' projection in its batch's transaction, so a profile is found as soon as
 * the task it was entered for is.
 */
export async function indexProfiles(tx: PoolClient, schema: string, personal: PersonalData, batch: readonly Decoded[]): Promise<void> {
  const entries = batch.flatMap(({ event }) => (event.type === 'DnaProfileEntered' ? [event.data] : []));
  if (entries.length === 0) return;
  const opened = await personal.open(entries.map((e) => ({ profileRef: e.profileRef })));
  const rows = entries.flatMap((e, i) => {
    const clear = opened[i]!.profileRef;
    return isSealed(clear) || clear === ERASED ? [] : [{ index: personal.index(clear), caseId: e.caseId, taskId: e.taskId }];
  });
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ${schema}.dna_profile_index (profile_index, case_id, task_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.index), rows.map((r) => r.caseId), rows.map((r) => r.taskId)],
  );
}
