import type { DomainEvent } from '@rapid-search/events';
import type { Pool } from 'pg';
import { evolveComparison, noComparison, REGISTRATION_EVENT_TYPES, type ChildComparison } from '../domain/registration-rule.js';

/**
 * A child's DNA comparisons as the audit ledger recorded them from dispatch, folded by the same
 * rule the verifier replays: what the registration gate would answer for that record.
 */
export async function childComparison(pool: Pool, childRef: string): Promise<ChildComparison> {
  const { rows } = await pool.query<{ entry: string }>('SELECT entry FROM ledger.entries WHERE case_id = $1 AND type = ANY($2) ORDER BY seq', [
    childRef,
    [...REGISTRATION_EVENT_TYPES],
  ]);
  return rows.reduce((state, { entry }) => {
    const { type, data } = JSON.parse(entry) as { type: DomainEvent['type']; data: DomainEvent['data'] };
    return evolveComparison(state, { type, data } as DomainEvent);
  }, noComparison());
}
