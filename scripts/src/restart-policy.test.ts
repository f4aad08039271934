import t from 'tap';
import { nextRestart, RESTART_POLICY } from './restart-policy.js';

/** The delays of successive exits, each after `uptimeMs` up. */
function delays(uptimesMs: number[]): number[] {
  let quickExits = 0;
  return uptimesMs.map((uptimeMs) => {
    const next = nextRestart(quickExits, uptimeMs);
    quickExits = next.quickExits;
    return next.delayMs;
  });
}

t.test('given an instance that has been running, when it exits for the first time, then it is restarted at once', async (t) => {
  t.same(nextRestart(0, 5_000), { delayMs: 0, quickExits: 1 });
});

t.test(
  'given an instance that keeps exiting soon after it starts, when it exits again and again, then each wait doubles up to the cap',
  async (t) => {
    t.same(delays(Array(9).fill(100)), [0, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
  },
);

t.test('given a long run of quick exits, when the wait is computed, then it stays at the cap', async (t) => {
  t.equal(nextRestart(5_000, 100).delayMs, RESTART_POLICY.maxDelayMs);
});

t.test(
  'given an instance backing off, when it stays up long enough before exiting, then it is restarted at once and the backoff starts over',
  async (t) => {
    t.same(delays([100, 100, 100, RESTART_POLICY.healthyAfterMs, 100]), [0, 500, 1_000, 0, 500]);
  },
);

t.test('given an instance backing off, when it exits just short of counting as healthy, then the backoff goes on', async (t) => {
  t.same(delays([100, 100, RESTART_POLICY.healthyAfterMs - 1]), [0, 500, 1_000]);
});
