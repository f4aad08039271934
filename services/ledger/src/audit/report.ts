import type { CaseRules } from './case-rules.js';
import type { LinksVerdict } from './chain-links.js';
import type { VerifyReport } from './violations.js';

/**
 * The verification's report: the chain's stretches, checked apart and given in chain order, and the
 * rules replayed over all of it. A ledger is verified in constant memory (plus one small state per
 * case): see verify.ts.
 */
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
