import t from 'tap';
import { MessageBudget } from './message-budget.js';

t.test('given a full bucket, when a burst arrives, then the burst passes and the next message does not', async (t) => {
  const budget = new MessageBudget(10, 3, () => 0);
  t.same([budget.take(), budget.take(), budget.take(), budget.take()], [true, true, true, false]);
});

t.test('given an empty bucket, when time passes, then tokens come back at the rate, never above the burst', async (t) => {
  let clock = 0;
  const budget = new MessageBudget(10, 3, () => clock);
  while (budget.take());
  clock = 100;
  t.same([budget.take(), budget.take()], [true, false], 'a tenth of a second brings one');
  clock = 60_000;
  t.same([budget.take(), budget.take(), budget.take(), budget.take()], [true, true, true, false], 'a minute brings only the burst');
});
