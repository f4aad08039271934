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
    for (const [caseId, row] of after) {
      const old = before.get(caseId) ?? emptyStats(caseId);
      if (row === old) continue;
      await save(tx, row);
      learned.push(learnedLatencies(old, row));
    }
    return learned;
  });
}

async function save(tx: PoolClient, row: CaseStats): Promise<void> {
  await tx.query(
    `UPDATE ledger.case_stats SET region_code = $2, reported_at = $3, exercise = $4, duplicate_reports = $5::uuid[],
       first_cap_alert_at = $6, first_ack_at = $7, found_at = $8, withdrawn_at = $9
     WHERE case_id = $1`,
    [
      row.caseId,
      row.regionCode,
      row.reportedAt,
      row.exercise,
      row.duplicateReports,
      row.firstCapAlertAt,
      row.firstAckAt,
      row.foundAt,
      row.withdrawnAt,
    ],
  );
}
