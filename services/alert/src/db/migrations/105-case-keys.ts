import { KEYRING_SCHEMA, type Migration } from '@rapid-search/events';

/**
 * A case's data key, made in the intake for the case a report opens, goes into the vault with the
 * report's events and rows (an alongside row, db/case-key.ts), not by a statement and a commit of
 * its own. The vault's constraints hold as for any key: one per subject, never rewritten.
 */
export const caseKeys: Migration = {
  version: 105,
  name: 'case keys written alongside the report that opens the case',
  sql: (s) => `
      CREATE FUNCTION ${s}.make_data_keys(p_rows jsonb) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ${KEYRING_SCHEMA}.data_keys (key_id, subject, wrapped)
        SELECT r->>'key_id', r->>'subject', decode(r->>'wrapped', 'base64') FROM jsonb_array_elements(p_rows) r;
      END $$;
    `,
};
