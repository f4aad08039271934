import type { DomainEvent } from '@rapid-search/events';
import { breaches, type AuditRule } from '../domain/audit-rules.js';
import { CASE_EVENT_TYPES, evolve, initialState, type CaseState } from '../domain/state.js';
import { chainHash, GENESIS_HASH } from './canonical.js';

/** One stored ledger entry as the verifier needs it: `entry` is the stored canonical text. */
export interface ChainRow {
  seq: string | number;
  eventId: string;
  prevHash: string;
  hash: string;
  entry: string;
}

export type ViolationRule = 'BROKEN_LINK' | AuditRule;

export interface Violation {
  seq: number;
  eventId: string;
  rule: ViolationRule;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  /** Every link that does not hold; only the first is listed among the violations. */
  brokenLinks: number;
  violations: Violation[];
}

/**
 * Recomputes the hash chain and replays every case through the case rules, one batch at a time, so
 * a ledger of any length is checked in constant memory (plus one small state per case). It hashes
 * the stored bytes as they are and parses an entry only when it is a case event the rules need.
 * After a broken link it carries on from the stored hash, so one altered entry is reported once,
 * by itself, rather than as every entry after it.
 */
export class LedgerVerifier {
  #expectedPrev = GENESIS_HASH;
  #lastSeq = 0;
  #entries = 0;
  #brokenLinks = 0;
  #head: VerifyReport['head'] = null;
  readonly #violations: Violation[] = [];
  readonly #cases = new Map<string, CaseState>();

  push(rows: readonly ChainRow[]): void {
    for (const row of rows) {
      const seq = Number(row.seq);
      this.#entries++;
      const link = this.#link(row, seq);
      if (link) {
        this.#brokenLinks++;
        if (this.#brokenLinks === 1) this.#violations.push({ seq, eventId: row.eventId, rule: 'BROKEN_LINK', message: link });
      }
      this.#expectedPrev = row.hash;
      this.#lastSeq = seq;
      this.#head = { seq, hash: row.hash };
      const type = typeOf(row.entry);
      if (type !== undefined && CASE_EVENT_TYPES.has(type)) this.#replay(row, seq);
    }
  }

  report(): VerifyReport {
    return {
      ok: this.#violations.length === 0,
      entries: this.#entries,
      head: this.#head,
      brokenLinks: this.#brokenLinks,
      violations: [...this.#violations],
    };
  }

  #link(row: ChainRow, seq: number): string | null {
    if (seq !== this.#lastSeq + 1) return `entry ${seq} follows entry ${this.#lastSeq}: entries are missing or out of order`;
    if (row.prevHash !== this.#expectedPrev) return `prev_hash ${row.prevHash} is not the previous entry's hash ${this.#expectedPrev}`;
    const recomputed = chainHash(row.prevHash, row.entry);
    if (recomputed !== row.hash) return `stored hash ${row.hash} does not match the entry, which hashes to ${recomputed}`;
    return null;
  }

  #replay(row: ChainRow, seq: number): void {
    let envelope: { type?: unknown; caseId?: unknown; data?: unknown };
    try {
      envelope = JSON.parse(row.entry) as typeof envelope;
    } catch {
      return;
    }
    const caseId = typeof envelope.caseId === 'string' ? envelope.caseId : null;
    if (!caseId || typeof envelope.data !== 'object' || envelope.data === null) return;
    const event = { type: envelope.type, data: envelope.data } as DomainEvent;
    const before = this.#cases.get(caseId) ?? initialState(caseId);
    for (const rule of breaches(before, event)) {
      this.#violations.push({ seq, eventId: row.eventId, rule, message: `${event.type} in case ${caseId} breaks ${rule}` });
    }
    this.#cases.set(caseId, evolve(before, event));
  }
}

/**
 * The event type, read from the end of the canonical text without parsing it: sorted keys put the
 * envelope's `type` and `version` last, after every nested object.
 */
export function typeOf(canonicalEntry: string): string | undefined {
  const at = canonicalEntry.lastIndexOf('"type":"');
  if (at < 0) return undefined;
  const end = canonicalEntry.indexOf('"', at + 8);
  return end < 0 ? undefined : canonicalEntry.slice(at + 8, end);
}
