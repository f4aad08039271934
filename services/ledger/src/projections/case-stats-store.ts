import { inTransaction } from '@rapid-search/events';
import type { Pool, PoolClient } from 'pg';
import { emptyStats, evolveStats, learnedLatencies, type CaseStats, type LearnedLatencies, type StatsInput } from './case-stats.js';

interface Row {
  case_id: string;
  region_code: string | null;
  reported_at: Date | null;
  exercise: boolean;
  duplicate_reports: string[];
  first_cap_alert_at: Date | null;
  first_ack_at: Date | null;
  found_at: Date | null;
  withdrawn_at: Date | null;
}

const fromRow = (r: Row): CaseStats => ({
  caseId: r.case_id,
  regionCode: r.region_code,
  reportedAt: r.reported_at,
  exercise: r.exercise,
  duplicateReports: r.duplicate_reports,
  firstCapAlertAt: r.first_cap_alert_at,
  firstAckAt: r.first_ack_at,
  foundAt: r.found_at,
  withdrawnAt: r.withdrawn_at,
});

/**
 * Applies a chunk of events to their cases' rows in one transaction and returns the latencies
 * that transaction taught, for the caller to observe once it has committed. The rows are locked
 * in case-id order, so two partitions' chunks that share cases wait for each other, never deadlock.
 */
export async function applyToCaseStats(pool: Pool, inputs: readonly (StatsInput & { caseId: string })[]): Promise<LearnedLatencies[]> {
  if (inputs.length === 0) return [];
  const caseIds = [...new Set(inputs.map((i) => i.caseId))].sort();
  return inTransaction(pool, async (tx) => {
    await tx.query(`INSERT INTO ledger.case_stats (case_id) SELECT id FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT DO NOTHING`, [caseIds]);
    const { rows } = await tx.query<Row>(`SELECT * FROM ledger.case_stats WHERE case_id = ANY ($1) ORDER BY case_id FOR UPDATE`, [caseIds]);
    const before = new Map(rows.map((r) => [r.case_id, fromRow(r)]));
    const after = new Map(before);
    for (const input of inputs) after.set(input.caseId, evolveStats(after.get(input.caseId) ?? emptyStats(input.caseId), input));
    const learned: LearnedLatencies[] = [];
    const changed: CaseStats[] = [];
    for (const [caseId, row] of after) {
      const old = before.get(caseId) ?? emptyStats(caseId);
      if (row === old) continue;
      changed.push(row);
      learned.push(learnedLatencies(old, row));
    }
    if (changed.length > 0) await save(tx, changed);
    return learned;
  });
}

/** The chunk's changed rows in one statement, not one each: they are locked already. */
async function save(tx: PoolClient, rows: readonly CaseStats[]): Promise<void> {
  await tx.query(
    `UPDATE ledger.case_stats c SET region_code = r.region_code, reported_at = r.reported_at, exercise = r.exercise,
       duplicate_reports = r.duplicate_reports, first_cap_alert_at = r.first_cap_alert_at, first_ack_at = r.first_ack_at,
       found_at = r.found_at, withdrawn_at = r.withdrawn_at
     FROM jsonb_populate_recordset(NULL::ledger.case_stats, $1::jsonb) r
     WHERE c.case_id = r.case_id`,
    [JSON.stringify(rows.map(toRow))],
  );
}

const toRow = (row: CaseStats): Row => ({
  case_id: row.caseId,
  region_code: row.regionCode,
  reported_at: row.reportedAt,
  exercise: row.exercise,
  duplicate_reports: row.duplicateReports,
  first_cap_alert_at: row.firstCapAlertAt,
  first_ack_at: row.firstAckAt,
  found_at: row.foundAt,
  withdrawn_at: row.withdrawnAt,
});
