import type { Pool } from 'pg';
import { cursorBatches } from './cursor.js';
import { LedgerVerifier, type VerifyReport } from './verifier.js';

/** Verifies the whole ledger from the database: what the HTTP endpoint, the CLI and the bench run. */
export async function verifyLedger(pool: Pool, batchSize = 5000): Promise<VerifyReport> {
  const verifier = new LedgerVerifier();
  const sql = 'SELECT seq, event_id, prev_hash, hash, entry FROM ledger.entries ORDER BY seq';
  for await (const rows of cursorBatches(pool, sql, [], batchSize)) {
    verifier.push(
      rows.map((r) => ({ seq: r[0] as string, eventId: r[1] as string, prevHash: r[2] as string, hash: r[3] as string, entry: r[4] as string })),
    );
  }
  return verifier.report();
}
