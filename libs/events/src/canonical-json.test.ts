import t from 'tap';
import { canonicalJson } from './canonical-json.js';

t.test('given the sample of RFC 8785 §3.2.2, when it is canonicalized, then it reads as the RFC prints it', async (t) => {
  const input = JSON.parse(
    '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
  ) as unknown;
  t.equal(
    canonicalJson(input),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

t.test('given the keys of RFC 8785 §3.2.3, when they are sorted, then UTF-16 code units decide', async (t) => {
  const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
  const sorted = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
  t.equal(canonicalJson(Object.fromEntries(keys.map((k) => [k, 0]))), `{${sorted.map((k) => `${JSON.stringify(k)}:0`).join(',')}}`);
});

t.test('given nested objects with undefined properties, when canonicalized, then keys sort at every depth and undefined is left out', async (t) => {
  const value = { b: 1, a: { d: [3, { z: true, y: null }], c: '杨建国 "x"\n' }, u: undefined, n: 24.96 };
  t.equal(canonicalJson(value), '{"a":{"c":"杨建国 \\"x\\"\\n","d":[3,{"y":null,"z":true}]},"b":1,"n":24.96}');
});

t.test('given values with no canonical form, when canonicalized, then it throws', async (t) => {
  t.throws(() => canonicalJson({ n: Number.NaN }));
  t.throws(() => canonicalJson({ n: Number.POSITIVE_INFINITY }));
  t.throws(() => canonicalJson({ s: 'lone \ud800' }));
  t.throws(() => canonicalJson(undefined));
});

t.test('given a date and an array holding undefined, when canonicalized, then they read as JSON.stringify writes them', async (t) => {
  const value = { at: new Date('2026-12-03T11:00:00.000Z'), list: [1, undefined, 'x'] };
  t.equal(canonicalJson(value), JSON.stringify(value));
});
