import t from 'tap';
import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';
import type { ChainHead } from './chain-links.js';
import { checkStretch, STRETCH_WIDTH, type Stretch } from './stretch.js';

interface Row {
  seq: number;
  eventId: string;
  hash: string;
  prevHash: string;
  entry: string;
}

function chain(length: number): Row[] {
  let prev = GENESIS_HASH;
  return Array.from({ length }, (_, i) => {
    const eventId = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    const entry = canonicalJson({ eventId, type: 'TaskAcknowledged', data: { note: `entry ${i + 1}, 日志` } });
    const row = { seq: i + 1, eventId, prevHash: prev, hash: chainHash(prev, entry), entry };
    prev = row.hash;
    return row;
  });
}

/** Rows laid out as the binary COPY of `seq, event_id, hash, prev_hash || entry` lays them out. */
function stretchOf(rows: Row[], after: ChainHead): Stretch {
  const parts: Buffer[] = [];
  const fields = new Int32Array(rows.length * STRETCH_WIDTH * 2);
  let at = 0;
  rows.forEach((r, i) => {
    const seq = Buffer.alloc(8);
    seq.writeBigInt64BE(BigInt(r.seq));
    const values = [seq, Buffer.from(r.eventId.replaceAll('-', ''), 'hex'), Buffer.from(r.hash), Buffer.from(r.prevHash + r.entry)];
    values.forEach((v, f) => {
      fields[(i * STRETCH_WIDTH + f) * 2] = at;
      fields[(i * STRETCH_WIDTH + f) * 2 + 1] = v.length;
      parts.push(v);
      at += v.length;
    });
  });
  return { bytes: Buffer.concat(parts), rows: rows.length, fields, after };
}

const headOf = (r: Row | undefined): ChainHead => (r ? { seq: r.seq, hash: r.hash } : { seq: 0, hash: GENESIS_HASH });

t.test('given a chain cut into stretches anywhere, when each is checked apart, then together they say what the whole chain says', async (t) => {
  const rows = chain(12);
  rows[6] = { ...rows[6]!, entry: rows[6]!.entry.replace('entry 7', 'entry seven') };
  const whole = checkStretch(stretchOf(rows, headOf(undefined)));
  t.match(whole, { entries: 12, broken: 1, firstBroken: { seq: 7, eventId: rows[6]!.eventId, rule: 'BROKEN_LINK' }, head: headOf(rows[11]) });
  for (let cut = 1; cut < rows.length; cut++) {
    const first = checkStretch(stretchOf(rows.slice(0, cut), headOf(undefined)));
    const second = checkStretch(stretchOf(rows.slice(cut), headOf(rows[cut - 1])));
    t.same(
      {
        entries: first.entries + second.entries,
        broken: first.broken + second.broken,
        firstBroken: first.firstBroken ?? second.firstBroken,
        head: second.head,
      },
      whole,
      `cut before entry ${cut + 1}`,
    );
  }
});

t.test('given a stretch that does not follow the entry before it, when checked, then its first entry is the broken link', async (t) => {
  const rows = chain(4);
  const verdict = checkStretch(stretchOf(rows.slice(2), headOf(rows[0])));
  t.match(verdict, { broken: 1, firstBroken: { seq: 3, rule: 'BROKEN_LINK', message: /follows entry 1/ } });
});
