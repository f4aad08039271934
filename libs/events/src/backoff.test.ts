import t from 'tap';
import { backoffMs } from './backoff.js';

t.test('given repeated failures, when the waits are drawn, then they double up to the cap', async (t) => {
  const highest = [1, 2, 3, 4, 10].map((n) => backoffMs(n, { baseMs: 100, capMs: 1000 }, () => 1));
  t.same(highest, [100, 200, 400, 800, 1000]);
});

t.test('given any draw, when the wait is taken, then it lies in the upper half of its ceiling', async (t) => {
  t.equal(
    backoffMs(3, { baseMs: 100, capMs: 1000 }, () => 0),
    200,
  );
  t.equal(
    backoffMs(3, { baseMs: 100, capMs: 1000 }, () => 0.5),
    300,
  );
});
