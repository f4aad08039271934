import { decodeEvent, type EventData } from '@rapid-search/events';
import type { Pool } from 'pg';

export interface UnmaskingFilter {
  caseId?: string | undefined;
  /** The reader's id as recorded (an officer's id, else the token's subject). */
  actor?: string | undefined;
  /** unmaskedAt on or after `since`, before `until`. */
  since?: string | undefined;
  until?: string | undefined;
  /** Entries before this sequence number (the page cursor). */
  beforeSeq?: number | undefined;
  limit: number;
}

export type UnmaskingEntry = EventData<'PersonalDataUnmasked'> & { seq: number; topic: string; eventId: string; caseId: string | null };

/**
 * The records of personal data unmasked under a grant, as the chain holds them, newest first:
 * whichever service's read it was. An entry that no longer decodes is the verifier's to report.
 */
export async function listUnmaskings(pool: Pool, filter: UnmaskingFilter): Promise<UnmaskingEntry[]> {
  const { rows } = await pool.query<{ seq: string; topic: string; event_id: string; case_id: string | null; entry: string }>(
    `SELECT seq, topic, event_id, case_id, entry FROM ledger.entries
      WHERE type = 'PersonalDataUnmasked'
        AND ($1::text IS NULL OR case_id = $1)
        AND ($2::text IS NULL OR (entry::jsonb) #>> '{data,reader,id}' = $2)
        AND ($3::timestamptz IS NULL OR ((entry::jsonb) #>> '{data,unmaskedAt}')::timestamptz >= $3)
        AND ($4::timestamptz IS NULL OR ((entry::jsonb) #>> '{data,unmaskedAt}')::timestamptz < $4)
        AND ($5::bigint IS NULL OR seq < $5)
      ORDER BY seq DESC LIMIT $6`,
    [filter.caseId ?? null, filter.actor ?? null, filter.since ?? null, filter.until ?? null, filter.beforeSeq ?? null, filter.limit],
  );
  return rows.flatMap((row) => {
    const envelope = JSON.parse(row.entry) as { type: string; version: number; data: unknown };
    const decoded = decodeEvent(envelope.type, envelope.version, envelope.data);
    if (!decoded.ok || decoded.event.type !== 'PersonalDataUnmasked') return [];
    return [{ seq: Number(row.seq), topic: row.topic, eventId: row.event_id, caseId: row.case_id, ...decoded.event.data }];
  });
}
