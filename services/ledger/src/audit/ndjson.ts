import type { Pool } from 'pg';
import { cursorBatches } from './cursor.js';
import { maskEntryText } from './mask.js';

export type LedgerSelection = { kind: 'all'; fromSeq: number; limit: number | null } | { kind: 'stream'; streamId: string; fromVersion: number };

/**
 * The ledger as NDJSON, one entry per line with its chain fields, produced batch by batch from a
 * cursor. Unmasked entries are spliced in as stored (the canonical text), so what a reader gets
 * can be re-hashed byte for byte; a masked entry is re-serialised and can no longer be.
 */
export async function* ledgerLines(pool: Pool, selection: LedgerSelection, mask: boolean): AsyncGenerator<string> {
  const columns = 'seq, topic, prev_hash, hash, entry';
  const [sql, params] =
    selection.kind === 'all'
      ? [
          `SELECT ${columns} FROM ledger.entries WHERE seq >= $1 ORDER BY seq${selection.limit === null ? '' : ' LIMIT $2'}`,
          selection.limit === null ? [selection.fromSeq] : [selection.fromSeq, selection.limit],
        ]
      : [
          `SELECT ${columns} FROM ledger.entries WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version, seq`,
          [selection.streamId, selection.fromVersion],
        ];
  for await (const rows of cursorBatches(pool, sql, params, 500)) {
    let chunk = '';
    for (const r of rows) {
      const entry = mask ? maskEntryText(r[4] as string) : (r[4] as string);
      chunk += `{"seq":${r[0] as string},"topic":${JSON.stringify(r[1])},"prevHash":"${r[2] as string}","hash":"${r[3] as string}","entry":${entry}}\n`;
    }
    yield chunk;
  }
}
