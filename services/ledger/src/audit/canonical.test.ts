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

t.test('given the input of RFC 8785 §3.2.2, when made canonical, then it is the RFC output byte for byte', async (t) => {
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  const output = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
  t.equal(canonicalJson(JSON.parse(input)), output);
});

t.test('given the keys of RFC 8785 §3.2.3, when made canonical, then they sort by UTF-16 code units', async (t) => {
  const input = String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`;
  const output =
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
    '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
  t.equal(canonicalJson(JSON.parse(input)), output);
});
