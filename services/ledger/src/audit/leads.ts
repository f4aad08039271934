import type { PersonalData } from '@rapid-search/events';
import type { Pool } from 'pg';
import { evolveLeads, LEAD_EVENT_TYPES, noLeads, type CaseLeads } from '../domain/lead-reward-rule.js';

/**
 * A case's tips and leads as the audit ledger recorded them, folded by the rule the verifier
 * replays. Opened first: the reward records the tipster's phone masked, which needs it in clear.
 */
export async function caseLeads(pool: Pool, personal: PersonalData, caseId: string): Promise<CaseLeads> {
  const { rows } = await pool.query<{ entry: string }>('SELECT entry FROM ledger.entries WHERE case_id = $1 AND type = ANY($2) ORDER BY seq', [
    caseId,
    [...LEAD_EVENT_TYPES],
  ]);
  const events = await personal.open(rows.map(({ entry }) => JSON.parse(entry) as { type: string; data: unknown }));
  return events.reduce((state, { type, data }) => evolveLeads(state, { type, data }), noLeads());
}
