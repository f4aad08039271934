import { hash } from 'node:crypto';
import { GENESIS_HASH } from './canonical.js';
import type { Violation } from './violations.js';

/** One stored ledger entry as the verifier reads it. */
export interface ChainLink {
  seq: number;
  /** The stored hash (hex). */
  hash: string;
  /** The bytes the hash covers, exactly as stored: prev_hash ‖ canonical entry, in UTF-8. */
  linked: Buffer;
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
  #expectedPrev: string;
  #lastSeq: number;
  #verdict: LinksVerdict = { entries: 0, head: null, broken: 0, firstBroken: null };

  constructor(after: ChainHead = { seq: 0, hash: GENESIS_HASH }) {
    this.#lastSeq = after.seq;
    this.#expectedPrev = after.hash;
  }

  check(link: ChainLink): void {
    const verdict = this.#verdict;
    verdict.entries++;
    const broken = this.#broken(link);
    if (broken !== null) {
      verdict.broken++;
      verdict.firstBroken ??= { seq: link.seq, eventId: link.eventId(), rule: 'BROKEN_LINK', message: broken };
    }
    this.#expectedPrev = link.hash;
    this.#lastSeq = link.seq;
    verdict.head = { seq: link.seq, hash: link.hash };
  }

  get verdict(): LinksVerdict {
    return this.#verdict;
  }

  #broken({ seq, hash: stored, linked }: ChainLink): string | null {
    if (seq !== this.#lastSeq + 1) return `entry ${seq} follows entry ${this.#lastSeq}: entries are missing or out of order`;
    const prevHash = linked.toString('latin1', 0, HASH_HEX);
    if (prevHash !== this.#expectedPrev) return `prev_hash ${prevHash} is not the previous entry's hash ${this.#expectedPrev}`;
    const recomputed = hash('sha256', linked, 'hex');
    if (recomputed !== stored) return `stored hash ${stored} does not match the entry, which hashes to ${recomputed}`;
    return null;
  }
}
