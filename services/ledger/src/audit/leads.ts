import type { Pool } from 'pg';
import { evolveLeads, LEAD_EVENT_TYPES, noLeads, type CaseLeads } from '../domain/lead-reward-rule.js';

/** A case's tips and leads as the audit ledger recorded them, folded by the rule the verifier replays. */
export async function caseLeads(pool: Pool, caseId: string): Promise<CaseLeads> {
  const { rows } = await pool.query<{ entry: string }>('SELECT entry FROM ledger.entries WHERE case_id = $1 AND type = ANY($2) ORDER BY seq', [
    caseId,
    [...LEAD_EVENT_TYPES],
  ]);
  return rows.reduce((state, { entry }) => {
    const { type, data } = JSON.parse(entry) as { type: string; data: unknown };
    return evolveLeads(state, { type, data });
  }, noLeads());
}
