import { CaseRules, isCaseEntry } from './case-rules.js';
import { ChainLinks, HASH_HEX, type ChainLink, type LinksVerdict } from './chain-links.js';
import type { VerifyReport } from './violations.js';

/**
 * Recomputes the hash chain and replays every case through the case rules, one entry at a time, so
 * a ledger of any length is checked in constant memory (plus one small state per case). It hashes
 * the stored bytes as they are and parses an entry only when it is a case event the rules need.
 */
export class LedgerVerifier {
  readonly #links = new ChainLinks();
  readonly #rules = new CaseRules();

  push(link: ChainLink): void {
    this.#links.check(link);
    if (isCaseEntry(link.linked, HASH_HEX, link.linked.length)) {
      this.#rules.apply(link.seq, link.linked.toString('utf8', HASH_HEX), link.eventId);
    }
  }

  report(): VerifyReport {
    return reportOf([this.#links.verdict], this.#rules);
  }
}

/** The report of the chain's stretches, in chain order, and of the rules replayed over all of it. */
export function reportOf(stretches: readonly LinksVerdict[], rules: CaseRules): VerifyReport {
  let entries = 0;
  let brokenLinks = 0;
  let head: VerifyReport['head'] = null;
  const violations = [...rules.violations];
  for (const stretch of stretches) {
    entries += stretch.entries;
    if (brokenLinks === 0 && stretch.firstBroken) violations.push(stretch.firstBroken);
    brokenLinks += stretch.broken;
    head = stretch.head ?? head;
  }
  // Chain order; at one entry its broken link comes before what the rules say of it (sort is stable).
  violations.sort((a, b) => a.seq - b.seq || Number(b.rule === 'BROKEN_LINK') - Number(a.rule === 'BROKEN_LINK'));
  return { ok: violations.length === 0, entries, head, brokenLinks, violations };
}
