import { execFileSync } from 'node:child_process';
import t from 'tap';
import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';

t.test('canonical JSON sorts keys recursively, drops whitespace and undefined', async (t) => {
  const value = { b: 1, a: { d: [3, { z: true, y: null }], c: '杨建国 "x"\n' }, u: undefined, n: 24.96 };
  t.equal(canonicalJson(value), '{"a":{"c":"杨建国 \\"x\\"\\n","d":[3,{"y":null,"z":true}]},"b":1,"n":24.96}');
});

t.test('an auditor recomputes the same hash with jq and sha256sum', async (t) => {
  const entry = canonicalJson({ type: 'CaseSolved', data: { summary: '破案', caseId: 'c-1' }, version: 1, position: 7 });
  const hash = chainHash(GENESIS_HASH, entry);
  const viaJq = execFileSync('sh', ['-c', `printf '%s' "$PREV$(printf '%s' "$ENTRY" | jq -cS .)" | sha256sum | cut -d' ' -f1`], {
    env: { ...process.env, PREV: GENESIS_HASH, ENTRY: JSON.stringify(JSON.parse(entry), null, 2) },
  })
    .toString()
    .trim();
  t.equal(viaJq, hash);
});
