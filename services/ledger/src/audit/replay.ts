import type { DomainEvent } from '@rapid-search/events';
import type { Pool } from 'pg';
import { evolve, initialState, CASE_EVENT_TYPES, type CaseState } from '../domain/state.js';

export interface HistoryLine {
  seq: number;
  topic: string;
  type: string;
  occurredAt: string;
  actor: unknown;
}

export interface CaseReplay {
  caseId: string;
  at: string | null;
  history: HistoryLine[];
  state: CaseState;
}

/**
 * A case as the ledger alone tells it: every entry of every topic about the case that occurred by
 * `at` (all of them without it), and the case file folded from its case events up to that time.
 */
export async function replayCase(pool: Pool, caseId: string, at: string | null): Promise<CaseReplay> {
  const { rows } = await pool.query<{ seq: string; topic: string; entry: string }>(
    'SELECT seq, topic, entry FROM ledger.entries WHERE case_id = $1 ORDER BY seq',
    [caseId],
  );
  const until = at === null ? Infinity : Date.parse(at);
  const history: HistoryLine[] = [];
  let state = initialState(caseId);
  for (const row of rows) {
    const envelope = JSON.parse(row.entry) as { type: string; occurredAt: string; metadata?: { actor?: unknown }; data: unknown };
    if (Date.parse(envelope.occurredAt) > until) continue;
    history.push({ seq: Number(row.seq), topic: row.topic, type: envelope.type, occurredAt: envelope.occurredAt, actor: envelope.metadata?.actor });
    if (CASE_EVENT_TYPES.has(envelope.type)) state = evolve(state, { type: envelope.type, data: envelope.data } as DomainEvent);
  }
  return { caseId, at, history, state };
}
