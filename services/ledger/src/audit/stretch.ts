import { int8At, uuidAt } from '@rapid-search/events/binary-copy';
import { ChainLinks, type ChainHead, type LinksVerdict } from './chain-links.js';

/**
 * Consecutive rows of `SELECT seq, event_id, hash, prev_hash || entry`, laid out as a binary COPY
 * chunk's (see CopyChunk), with the entry they follow: enough to check their links apart.
 */
export interface Stretch {
  bytes: Uint8Array<ArrayBuffer>;
  rows: number;
  fields: Int32Array<ArrayBuffer>;
  after: ChainHead;
}

/** A stretch's verdict, and its buffers handed back for the next stretch. */
export interface StretchChecked {
  verdict: LinksVerdict;
  bytes: ArrayBuffer;
  fields: ArrayBuffer;
}

export const STRETCH_WIDTH = 4;

export function checkStretch({ bytes, rows, fields: f, after }: Stretch): LinksVerdict {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const links = new ChainLinks(after);
  for (let r = 0, o = 0; r < rows; r++, o += STRETCH_WIDTH * 2) {
    const idAt = f[o + 2]!;
    links.check({
      seq: int8At(buf, f[o]!),
      bytes: buf,
      hashAt: f[o + 4]!,
      hashEnd: f[o + 4]! + Math.max(0, f[o + 5]!),
      linkedAt: f[o + 6]!,
      linkedEnd: f[o + 6]! + Math.max(0, f[o + 7]!),
      eventId: () => uuidAt(buf, idAt),
    });
  }
  return links.verdict;
}
