import type { ConsumedEvent } from '@rapid-search/events';
import type { PoolClient } from 'pg';
import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';

/**
 * Appends one event to the hash chain inside the consumer's transaction. The chain has one head,
 * and the consumer works several partitions at once: a transaction-scoped advisory lock makes each
 * read-head-then-insert wait for the previous one to commit, so links never fork. A repeated event
 * id (the same event seen again) is a no-op.
 */
export async function appendToChain(tx: PoolClient, consumed: ConsumedEvent): Promise<boolean> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledger.entries chain'))`);
  const seen = await tx.query('SELECT 1 FROM ledger.entries WHERE event_id = $1', [consumed.eventId]);
  if (seen.rowCount) return false;
  const head = await tx.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger.entries ORDER BY seq DESC LIMIT 1');
  const prevHash = head.rows[0]?.hash ?? GENESIS_HASH;
  const seq = Number(head.rows[0]?.seq ?? 0) + 1;
  const { topic, event, ...envelope } = consumed;
  const entry = canonicalJson({ ...envelope, data: event.data });
  await tx.query(
    `INSERT INTO ledger.entries (seq, topic, event_id, type, case_id, stream_id, stream_version, entry, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [seq, topic, envelope.eventId, envelope.type, envelope.caseId, envelope.streamId, envelope.streamVersion, entry, prevHash, chainHash(prevHash, entry)],
  );
  return true;
}
