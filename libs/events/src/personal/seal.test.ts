import { randomBytes } from 'node:crypto';
import t from 'tap';
import { blindIndex, dataKeyOf, isSealed, keyIdOf, newDataKey, seal, unseal, unwrapKey, wrapKey } from './seal.js';

const caseKey = dataKeyOf('k1', newDataKey());
const otherCaseKey = dataKeyOf('k2', newDataKey());

t.test('given a case key, when a phone is sealed, then only that key opens it and the text names the key', async (t) => {
  const sealed = seal(caseKey, '13800138000');
  t.ok(isSealed(sealed));
  t.notMatch(sealed, /13800138000/);
  t.equal(keyIdOf(sealed), 'k1');
  t.equal(unseal(caseKey, sealed), '13800138000');
  t.throws(() => unseal(otherCaseKey, sealed));
});

t.test('given one value, when sealed twice in one case and once in another, then the case agrees with itself only', async (t) => {
  t.equal(seal(caseKey, 'profile-7'), seal(caseKey, 'profile-7'));
  t.not(seal(caseKey, 'profile-7'), seal(caseKey, 'profile-8'));
  t.not(seal(caseKey, 'profile-7').split('.')[3], seal(otherCaseKey, 'profile-7').split('.')[3]);
});

t.test('given a sealed text, when one character of it is changed, then it no longer opens', async (t) => {
  const sealed = seal(caseKey, '张小明');
  const at = sealed.lastIndexOf('.') + 1;
  const changed = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
  t.throws(() => unseal(caseKey, changed));
});

t.test('given a data key, when wrapped under the key-encryption key, then only that key unwraps it', async (t) => {
  const kek = randomBytes(32);
  const raw = newDataKey();
  const wrapped = wrapKey(kek, raw);
  t.not(wrapped.includes(raw), true, 'the raw key is not in the wrapped one');
  t.same(unwrapKey(kek, wrapped), raw);
  t.throws(() => unwrapKey(randomBytes(32), wrapped));
});

t.test('given an index key, when two equal values are indexed, then they agree and another key gives another index', async (t) => {
  const key = randomBytes(32);
  t.equal(blindIndex(key, '13800138000'), blindIndex(key, '13800138000'));
  t.not(blindIndex(key, '13800138000'), blindIndex(randomBytes(32), '13800138000'));
});

t.test('given free text, when it looks nothing like a sealed field, then it is not taken for one', async (t) => {
  t.notOk(isSealed('pd1.k1.short.x'));
  t.notOk(isSealed('13800138000'));
  t.notOk(isSealed(42));
});

t.test('given a key from the vault, when a value is sealed, then it seals to the text every earlier version sealed', async (t) => {
  // Keys in the vault are raw: the keys derived from one must stay the same for all it sealed to open.
  t.equal(seal(dataKeyOf('k1', Buffer.alloc(32, 7)), '张三 13812345678'), 'pd1.k1.8v8z2kWdnKlUSMO6.0IUGisXmxsfzX35kR9rSxJKv-F-JfoLeAKivQj1bNWvn0A');
});
