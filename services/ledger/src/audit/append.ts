import type { ConsumedEvent } from '@rapid-search/events';
import type { PoolClient } from 'pg';
import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';

/** One link of the chain, as `ledger.entries` holds it. */
interface Link {
  seq: number;
  topic: string;
  eventId: string;
  type: string;
  caseId: string | null;
  streamId: string;
  streamVersion: number;
  entry: string;
  prevHash: string;
  hash: string;
}

/**
 * Appends events to the hash chain, in their order, inside the consumer's transaction. The chain
 * has one head, and the consumer works several partitions at once: a transaction-scoped advisory
 * lock makes each read-head-then-insert wait for the previous one to commit, so links never fork.
 * The lock is taken once for the whole chunk and the links go in with one statement. An event
 * already on the chain (the same event id seen again) is passed over.
 */
export async function appendToChain(tx: PoolClient, events: readonly ConsumedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledger.entries chain'))`);
  const chained = await tx.query<{ event_id: string }>('SELECT event_id::text FROM ledger.entries WHERE event_id = ANY($1::uuid[])', [
    events.map((e) => e.eventId),
  ]);
  const seen = new Set(chained.rows.map((r) => r.event_id));
  const head = await tx.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger.entries ORDER BY seq DESC LIMIT 1');
  let prevHash = head.rows[0]?.hash ?? GENESIS_HASH;
  let seq = Number(head.rows[0]?.seq ?? 0);
  const links: Link[] = [];
  for (const { topic, event, ...envelope } of events) {
    const id = envelope.eventId.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    const entry = canonicalJson({ ...envelope, data: event.data });
    const hash = chainHash(prevHash, entry);
    seq += 1;
    const { eventId, type, caseId, streamId, streamVersion } = envelope;
    links.push({ seq, topic, eventId, type, caseId, streamId, streamVersion, entry, prevHash, hash });
    prevHash = hash;
  }
  if (links.length === 0) return;
  const column = <K extends keyof Link>(key: K): Link[K][] => links.map((l) => l[key]);
  await tx.query(
    `INSERT INTO ledger.entries (seq, topic, event_id, type, case_id, stream_id, stream_version, entry, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])`,
    [
      column('seq'), column('topic'), column('eventId'), column('type'), column('caseId'),
      column('streamId'), column('streamVersion'), column('entry'), column('prevHash'), column('hash'),
    ],
  );
}
