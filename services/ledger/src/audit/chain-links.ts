import { hash } from 'node:crypto';
import { GENESIS_HASH } from './canonical.js';
import type { Violation } from './violations.js';

/**
 * One stored ledger entry as the verifier reads it: ranges of the bytes it arrived in, so that a
 * link that holds is checked without a string or a buffer made for it.
 */
export interface ChainLink {
  seq: number;
  bytes: Buffer;
  /** The stored hash (hex) is bytes [hashAt, hashEnd). */
  hashAt: number;
  hashEnd: number;
  /** The bytes the hash covers, exactly as stored: prev_hash ‖ canonical entry, in UTF-8. */
  linkedAt: number;
  linkedEnd: number;
  /** Formatted only when a violation names the entry. */
  eventId: () => string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** What a stretch of the chain showed: its links are independent of any other stretch's. */
export interface LinksVerdict {
  entries: number;
  head: ChainHead | null;
  /** Every link that does not hold; only the first is named. */
  broken: number;
  firstBroken: Violation | null;
}

export const HASH_HEX = 64;

/**
 * Checks each entry's link: it follows the previous entry's seq, names the previous entry's hash,
 * and its stored hash is sha256 of its stored bytes. After a broken link it carries on from the
 * stored hash, so one altered entry is reported once, by itself, rather than as every entry after
 * it. A stretch can start anywhere given the entry before it, which lets stretches be checked apart.
 */
export class ChainLinks {
  /** The hash the next entry must name, as the entry before it stored it. */
  readonly #expected = Buffer.alloc(HASH_HEX);
  /** Set instead when that stored hash is not 64 characters long: no entry can name it. */
  #expectedOdd: string | null = null;
  readonly #recomputed = Buffer.alloc(HASH_HEX);
  #lastSeq: number;
  #verdict: LinksVerdict = { entries: 0, head: null, broken: 0, firstBroken: null };

  constructor(after: ChainHead = { seq: 0, hash: GENESIS_HASH }) {
    this.#lastSeq = after.seq;
    this.#expect(Buffer.from(after.hash, 'latin1'), 0, Buffer.byteLength(after.hash, 'latin1'));
  }

  check(link: ChainLink): void {
    const verdict = this.#verdict;
    verdict.entries++;
    const broken = this.#broken(link);
    if (broken !== null) {
      verdict.broken++;
      verdict.firstBroken ??= { seq: link.seq, eventId: link.eventId(), rule: 'BROKEN_LINK', message: broken };
    }
    this.#expect(link.bytes, link.hashAt, link.hashEnd);
    this.#lastSeq = link.seq;
  }

  get verdict(): LinksVerdict {
    const head = this.#verdict.entries === 0 ? null : { seq: this.#lastSeq, hash: this.#expectedHash() };
    return { ...this.#verdict, head };
  }

  #expect(bytes: Buffer, at: number, end: number): void {
    this.#expectedOdd = end - at === HASH_HEX ? null : bytes.toString('latin1', at, end);
    if (this.#expectedOdd === null) bytes.copy(this.#expected, 0, at, end);
  }

  #expectedHash(): string {
    return this.#expectedOdd ?? this.#expected.toString('latin1');
  }

  #broken({ seq, bytes, hashAt, hashEnd, linkedAt, linkedEnd }: ChainLink): string | null {
    if (seq !== this.#lastSeq + 1) return `entry ${seq} follows entry ${this.#lastSeq}: entries are missing or out of order`;
    const prevEnd = Math.min(linkedAt + HASH_HEX, linkedEnd);
    if (this.#expectedOdd !== null || bytes.compare(this.#expected, 0, HASH_HEX, linkedAt, prevEnd) !== 0) {
      return `prev_hash ${bytes.toString('latin1', linkedAt, prevEnd)} is not the previous entry's hash ${this.#expectedHash()}`;
    }
    const recomputed = hash('sha256', bytes.subarray(linkedAt, linkedEnd), 'hex');
    this.#recomputed.write(recomputed, 'latin1');
    if (bytes.compare(this.#recomputed, 0, HASH_HEX, hashAt, hashEnd) !== 0) {
      return `stored hash ${bytes.toString('latin1', hashAt, hashEnd)} does not match the entry, which hashes to ${recomputed}`;
    }
    return null;
  }
}
