import type { ConsumedEvent } from '@rapid-search/events';
import type { Pool } from 'pg';
import { canonicalJson } from './canonical.js';

/**
 * What the entries of a chunk are joined with on their way to Postgres, which splits them again.
 * Canonical JSON writes every control character inside a string as an escape, so this one never
 * occurs in an entry; one text costs neither side the array literal's escaping of every quote.
 */
const ENTRY_SEPARATOR = '\u001e';

/**
 * Appends events to the hash chain, in their order, with one statement: `append_to_chain` (ledger
 * migration 102) takes the chain's lock, reads the head, and links and hashes the entries. The
 * canonical JSON is written here, where the catalog's decoded event is at hand. An event already on
 * the chain (the same event id seen again) is passed over, so a redelivered chunk changes nothing.
 */
export async function appendToChain(pool: Pool, events: readonly ConsumedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const column = <T>(pick: (e: ConsumedEvent) => T): T[] => events.map(pick);
  const entries = column(({ topic: _topic, event, ...envelope }) => canonicalJson({ ...envelope, data: event.data }));
  await pool.query({
    name: 'ledger.append-to-chain',
    text: `SELECT ledger.append_to_chain($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], string_to_array($7::text, $8::text))`,
    values: [
      column((e) => e.topic),
      column((e) => e.eventId),
      column((e) => e.type),
      column((e) => e.caseId),
      column((e) => e.streamId),
      column((e) => e.streamVersion),
      entries.join(ENTRY_SEPARATOR),
      ENTRY_SEPARATOR,
    ],
  });
}
