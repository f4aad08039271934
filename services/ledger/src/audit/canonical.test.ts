import { execFileSync } from 'node:child_process';
import t from 'tap';
import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';

t.test('given an entry, when an auditor recomputes its hash with jq and sha256sum, then it is the same hash', async (t) => {
  const entry = canonicalJson({ type: 'CaseSolved', data: { summary: '破案', caseId: 'c-1' }, version: 1, position: 7, at: 24.96 });
  const hash = chainHash(GENESIS_HASH, entry);
  const viaJq = execFileSync('sh', ['-c', `printf '%s' "$PREV$(printf '%s' "$ENTRY" | jq -cS .)" | sha256sum | cut -d' ' -f1`], {
    env: { ...process.env, PREV: GENESIS_HASH, ENTRY: JSON.stringify(JSON.parse(entry), null, 2) },
  })
    .toString()
    .trim();
  t.equal(viaJq, hash);
});
