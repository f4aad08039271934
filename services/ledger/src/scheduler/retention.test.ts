import t from 'tap';
import { sweepEveryMs } from './retention.js';

t.test('given a retention period of days, when the sweep is scheduled, then it looks every minute', async (t) => {
  t.equal(sweepEveryMs(365), 60_000);
});

t.test('given a period of seconds, when the sweep is scheduled, then it looks twice per period, at most once a second', async (t) => {
  t.equal(sweepEveryMs(0.0001), 4320, 'a period of 8.64 s');
  t.equal(sweepEveryMs(0.00001), 1000, 'a period of 0.864 s');
});
