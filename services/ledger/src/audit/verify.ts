import type { Pool } from 'pg';
import { checkOut, copyBinaryRows, int8At, uuidAt, type CopyChunk } from '@rapid-search/events';
import { CaseRules } from './case-rules.js';
import { GENESIS_HASH } from './canonical.js';
import { HASH_HEX, type ChainHead } from './chain-links.js';
import { LinksWorker } from './links-worker.js';
import { STRETCH_WIDTH } from './stretch.js';
import { reportOf } from './report.js';
import type { VerifyReport } from './violations.js';

/**
 * Verifies the whole ledger from the database: what the HTTP endpoint, the CLI and the bench run.
 * One binary COPY streams the entries in one snapshot, each row carrying the very bytes its hash
 * covers (Postgres joins prev_hash and the entry). The main thread replays the cases while a worker
 * thread checks the links of the same rows, stretch by stretch; the report joins the two.
 */
export async function verifyLedger(pool: Pool): Promise<VerifyReport> {
  const rules = new CaseRules();
  const links = new LinksWorker();
  try {
    const { client, release } = await checkOut(pool);
    let complete = false;
    try {
      let after: ChainHead = { seq: 0, hash: GENESIS_HASH };
      const sql = 'SELECT seq, event_id, hash, prev_hash || entry FROM ledger.entries ORDER BY seq';
      for await (const chunk of copyBinaryRows(client, sql, STRETCH_WIDTH)) {
        await links.check(chunk, after);
        after = replay(chunk, rules);
      }
      complete = true;
    } finally {
      release(!complete);
    }
    return reportOf(await links.verdicts(), rules);
  } finally {
    await links.close();
  }
}

/** Replays a chunk's case events; returns its last entry, the one the next stretch follows. */
function replay({ buf, rows, fields: f }: CopyChunk, rules: CaseRules): ChainHead {
  for (let r = 0, o = 0; r < rows; r++, o += STRETCH_WIDTH * 2) {
    const start = f[o + 6]!;
    const idAt = f[o + 2]!;
    rules.replay(int8At(buf, f[o]!), buf, start + HASH_HEX, start + f[o + 7]!, () => uuidAt(buf, idAt));
  }
  const last = (rows - 1) * STRETCH_WIDTH * 2;
  return { seq: int8At(buf, f[last]!), hash: buf.toString('latin1', f[last + 4]!, f[last + 4]! + f[last + 5]!) };
}
