import type { Pool } from 'pg';
import type { CheckpointSigner, SignedCheckpoint } from './signing.js';

/** Who made a checkpoint: an auditor's request, or the schedule. */
export type CheckpointTrigger = { by: 'auditor'; sub: string } | { by: 'schedule' };

const COLUMNS = 'seq, hash, signed_at, key_id, signature, public_key';

type Row = [string, string, string, string, string, string];

const checkpointOf = (r: Row): SignedCheckpoint => ({
  seq: Number(r[0]),
  hash: r[1],
  signedAt: r[2],
  keyId: r[3],
  signature: r[4],
  publicKey: r[5],
});

/**
 * Signs the chain's committed head and keeps the checkpoint (append-only, like the chain). The head
 * is read after the commit of every entry before it, since entries are appended under one lock.
 * Returns null while the chain is empty: there is nothing to sign.
 */
export async function takeCheckpoint(pool: Pool, signer: CheckpointSigner, trigger: CheckpointTrigger): Promise<SignedCheckpoint | null> {
  const head = await pool.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger.entries ORDER BY seq DESC LIMIT 1');
  const top = head.rows[0];
  if (top === undefined) return null;
  const checkpoint = signer.sign({ seq: Number(top.seq), hash: top.hash, signedAt: new Date().toISOString() });
  await pool.query(`INSERT INTO ledger.signed_checkpoints (${COLUMNS}, requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    checkpoint.seq,
    checkpoint.hash,
    checkpoint.signedAt,
    checkpoint.keyId,
    checkpoint.signature,
    checkpoint.publicKey,
    trigger.by === 'auditor' ? trigger.sub : 'schedule',
  ]);
  return checkpoint;
}

/** Checkpoints newest first, before a checkpoint's id when paging on; `limit + 1` tells if more follow. */
export async function listCheckpoints(
  pool: Pool,
  before: number | undefined,
  limit: number,
): Promise<{ id: number; checkpoint: SignedCheckpoint }[]> {
  const result = await pool.query<[string, ...Row]>({
    text: `SELECT id, ${COLUMNS} FROM ledger.signed_checkpoints WHERE id < $1 ORDER BY id DESC LIMIT $2`,
    values: [before ?? Number.MAX_SAFE_INTEGER, limit + 1],
    rowMode: 'array',
  });
  return result.rows.map(([id, ...r]) => ({ id: Number(id), checkpoint: checkpointOf(r) }));
}

/** The newest checkpoint and the chain's head seq, which the schedule compares. */
export async function checkpointLag(pool: Pool): Promise<{ headSeq: number; last: { seq: number; signedAt: string } | null }> {
  const result = await pool.query<{ head: string | null; seq: string | null; signed_at: string | null }>(
    `SELECT (SELECT max(seq) FROM ledger.entries) AS head, c.seq, c.signed_at
       FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT seq, signed_at FROM ledger.signed_checkpoints ORDER BY id DESC LIMIT 1) AS c ON true`,
  );
  const row = result.rows[0]!;
  return {
    headSeq: Number(row.head ?? 0),
    last: row.seq === null || row.signed_at === null ? null : { seq: Number(row.seq), signedAt: row.signed_at },
  };
}
