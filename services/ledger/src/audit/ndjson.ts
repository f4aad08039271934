import type { PersonalData } from '@rapid-search/events';
import type { Pool } from 'pg';
import { cursorBatches } from './cursor.js';
import { maskEntryText } from './mask.js';

export type LedgerSelection = { kind: 'all'; fromSeq: number; limit: number | null } | { kind: 'stream'; streamId: string; fromVersion: number };

/**
 * How entries are shown: `masked` for a reader who may not see personal data; `sealed` as stored,
 * the very text hashed; `opened` with the sealed fields in clear (`[erased]` once erased).
 */
export type EntryView = { kind: 'masked' } | { kind: 'sealed' } | { kind: 'opened'; personal: PersonalData };

/** Only an entry holding a sealed field is parsed to be opened; the rest are spliced in as stored. */
const SEALED_HINT = '"pd1.';

/**
 * The ledger as NDJSON, one entry per line with its chain fields, produced batch by batch from a
 * cursor. Sealed entries are spliced in as stored (the canonical text), so what a reader gets can
 * be re-hashed byte for byte; a masked or opened entry is re-serialised and can no longer be.
 */
export async function* ledgerLines(pool: Pool, selection: LedgerSelection, view: EntryView): AsyncGenerator<string> {
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
    const entries = await shown(
      rows.map((r) => r[4] as string),
      view,
    );
    let chunk = '';
    for (const [i, r] of rows.entries()) {
      chunk += `{"seq":${r[0] as string},"topic":${JSON.stringify(r[1])},"prevHash":"${r[2] as string}","hash":"${r[3] as string}","entry":${entries[i]!}}\n`;
    }
    yield chunk;
  }
}

/** A batch's entries as the view shows them; opening a batch asks the key vault once. */
async function shown(entries: string[], view: EntryView): Promise<string[]> {
  if (view.kind === 'sealed') return entries;
  if (view.kind === 'masked') return entries.map(maskEntryText);
  const sealed = entries.flatMap((e, i) => (e.includes(SEALED_HINT) ? [i] : []));
  if (sealed.length === 0) return entries;
  const opened = await view.personal.open(sealed.map((i) => JSON.parse(entries[i]!) as unknown));
  const out = [...entries];
  sealed.forEach((at, n) => (out[at] = JSON.stringify(opened[n])));
  return out;
}
