import type { AlongsideRow } from '@rapid-search/events';
import type { Pool } from 'pg';
import type { AlertState } from '../domain/alert.js';
import type { RecordedAnswer } from '../domain/intake.js';
import { STATE_COLUMNS, stateOf, type StateRow } from './alert-state.js';

/** What intake decides on besides the report: the key's earlier answer, the child's open alerts, the child's next alert number. */
export interface IntakeLookup {
  prior: RecordedAnswer | null;
  open: AlertState[];
  childVersion: number;
}

/**
 * One statement, so one snapshot and one round trip, outside any lock: what it read is checked at
 * the append, by the expected version of the alert joined, the stream of the alert opened, and the
 * unique key and child alert number that the rows written alongside claim.
 */
const LOOKUP = `SELECT
  (SELECT json_build_object('requestHash', request_hash, 'status', status_code, 'answer', answer)
     FROM alert.idempotency_keys WHERE upstream_system_id = $1 AND idempotency_key = $2) AS prior,
  (SELECT coalesce(json_agg(a ORDER BY a.opened_at, a.alert_id), '[]')
     FROM (SELECT ${STATE_COLUMNS}, opened_at FROM alert.alerts WHERE status = 'open' AND duplicate_key = $3) a) AS open,
  (SELECT coalesce(max(child_version) + 1, 0) FROM alert.alerts WHERE duplicate_key = $3) AS child_version`;

export async function lookUpIntake(
  pool: Pool,
  key: { upstreamSystemId: string; idempotencyKey: string; duplicateKey: string },
): Promise<IntakeLookup> {
  const { rows } = await pool.query<{ prior: RecordedAnswer | null; open: StateRow[]; child_version: number }>({
    name: 'alert-intake-lookup',
    text: LOOKUP,
    values: [key.upstreamSystemId, key.idempotencyKey, key.duplicateKey],
  });
  const row = rows[0]!;
  return { prior: row.prior, open: row.open.map(stateOf), childVersion: row.child_version };
}

/** The answer to a request, recorded under its Idempotency-Key alongside the events it answers; the key is claimed once. */
export const recordedAnswer = (key: { upstreamSystemId: string; idempotencyKey: string }, answered: RecordedAnswer): AlongsideRow => ({
  writer: 'record_answers',
  row: {
    upstream_system_id: key.upstreamSystemId,
    idempotency_key: key.idempotencyKey,
    request_hash: answered.requestHash,
    status_code: answered.status,
    answer: answered.answer,
  },
});
