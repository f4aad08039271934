import t from 'tap';
import { MAX_DEPTH, unsafeInput } from './unsafe-input.js';

t.test('given ordinary text, when it is checked, then nothing is found', async (t) => {
  t.same(unsafeInput({ child: { name: '李小明', tags: ['😀', 'a'] }, n: 3 }, 'body'), []);
});

t.test('given U+0000 in a nested string, when it is checked, then the field is named', async (t) => {
  t.same(unsafeInput({ reporter: { relation: 'mo\u0000ther' } }, 'body'), [
    { path: 'body.reporter.relation', message: 'contains U+0000, which is not text' },
  ]);
});

t.test('given a lone surrogate in an array item, when it is checked, then the item is named', async (t) => {
  const issues = unsafeInput({ tags: ['ok', 'x\ud800'] }, 'body');
  t.equal(issues[0]?.path, 'body.tags.1');
  t.match(issues[0]?.message, /lone surrogate/);
});

t.test('given U+0000 in a key, when it is checked, then the object is named', async (t) => {
  t.match(unsafeInput({ a: { ['k\u0000']: 1 } }, 'query'), [{ path: 'query.a', message: /a key contains U\+0000/ }]);
});

t.test('given 5,000 nested arrays, when they are checked, then the depth is refused without recursion', async (t) => {
  const deep: unknown = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
  t.same(unsafeInput({ ignores: deep }, 'body'), [
    { path: `body.ignores${'.0'.repeat(MAX_DEPTH - 1)}`, message: `nested deeper than ${MAX_DEPTH} levels` },
  ]);
});

t.test('given nesting at the limit, when it is checked, then it passes', async (t) => {
  const atLimit: unknown = JSON.parse('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH));
  t.same(unsafeInput(atLimit, 'body'), []);
});
