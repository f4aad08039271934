import type { AlongsideRow, DataKey, PersonalData } from '@rapid-search/events';

/** The data key of a case a report opens, and the row that puts it in the vault with the report (migration 105). */
export interface CaseKey {
  key: DataKey;
  row: AlongsideRow;
}

export function freshCaseKey(personal: PersonalData, caseId: string): CaseKey {
  const { key, row } = personal.keyring.fresh(caseId);
  return { key, row: { writer: 'make_data_keys', row } };
}
