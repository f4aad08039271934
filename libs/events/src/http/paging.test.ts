import t from 'tap';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { decodeCursor, pageOf } from './paging.js';

const Key = z.tuple([z.string(), z.string()]);

t.test('given one more item than the limit, when a page is cut, then it carries a cursor to the rest', async (t) => {
  const page = pageOf(['c', 'b', 'a'], 2, (item) => [item, item]);
  t.same(page.items, ['c', 'b']);
  t.same(decodeCursor(page.next!, Key), ['b', 'b']);
});

t.test('given no more items than the limit, when a page is cut, then it has no cursor', async (t) => {
  t.same(
    pageOf(['a'], 2, (item) => [item, item]),
    { items: ['a'], next: null },
  );
});

t.test('given a cursor not made here, when it is decoded, then it is a 400 naming query.cursor', async (t) => {
  for (const bad of ['not-base64-json', Buffer.from('{"x":1}').toString('base64url')]) {
    t.throws(() => decodeCursor(bad, Key), ValidationError);
  }
  t.equal(decodeCursor(undefined, Key), undefined);
});
