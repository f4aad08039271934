import t from 'tap';
import { newId } from '../ids.js';
import { eventually } from '../testing/index.js';
import { AppendNotifier } from './notifier.js';
import { subscribe } from './subscription.js';
import { newEvent, quiet, storeFixture, transactional } from './test-fixtures.js';

const fx = await storeFixture('wakeup');
const notifier = new AppendNotifier(fx.db.url, 'alert', quiet);
await notifier.start();
t.teardown(async () => {
  await notifier.close();
  await fx.close();
});
const { store, pool } = fx;

/**
 * The highest position the store has announced. Kept from the start: a notification can be handled
 * before the append that caused it has returned, so a listener added after the append may miss it.
 */
let announcedUpTo = 0;
notifier.on('append', (last: number) => {
  announcedUpTo = Math.max(announcedUpTo, last);
});

/** Resolves once the store has announced an append at or past this position. */
function announced(position: number): Promise<void> {
  return eventually(
    async () => {
      if (announcedUpTo < position) throw new Error(`position ${position} not announced yet`);
    },
    10_000,
    5,
  );
}

t.test(
  'given a subscription that polls only every ten minutes, when an append is announced while it handles a batch, then it reads that append as soon as the batch is done',
  async (t) => {
    const stream = `wakeup-${newId()}`;
    let during: number | undefined;
    const handled: number[] = [];
    const sub = await subscribe(store, {
      name: `wakeup-${newId()}`,
      pollMs: 600_000,
      notifier,
      logger: quiet,
      write: transactional(pool, async (events) => {
        handled.push(...events.map((e) => e.position));
        if (during !== undefined) return;
        const appended = await store.append(stream, [newEvent('case-during')], { expectedVersion: 1 });
        during = appended.positions[0]!;
        await announced(during);
      }),
    });
    const first = await store.append(stream, [newEvent('case-first')], { expectedVersion: 'no-stream' });

    const waited = await Promise.race([
      sub.caughtUp(first.positions[0]! + 1).then(() => 'caught up' as const),
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 10_000).unref()),
    ]);
    await sub.stop();

    t.equal(waited, 'caught up', 'the append announced mid-batch did not wait for the poll');
    t.same(handled, [first.positions[0]!, during], 'both events handled, in order, once each');
  },
);

t.test(
  'given a subscription that polls only every ten minutes, when it is stopped while it handles a batch, then it stops as soon as the batch is done',
  async (t) => {
    await store.append(`stop-${newId()}`, [newEvent('case-stop')], { expectedVersion: 'no-stream' });
    let handling!: () => void;
    const handled = new Promise<void>((resolve) => (handling = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    // No notifier: nothing but stop() itself may cut the wait after the batch short.
    const sub = await subscribe(store, {
      name: `stop-${newId()}`,
      pollMs: 600_000,
      logger: quiet,
      write: transactional(pool, async () => {
        handling();
        await finished;
      }),
    });
    await handled;
    const stopping = sub.stop();
    finish();

    const outcome = await Promise.race([
      stopping.then(() => 'stopped' as const),
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 5000).unref()),
    ]);
    t.equal(outcome, 'stopped', 'the stop that came mid-batch did not wait for the poll');
  },
);

t.test(
  'given a delivering subscription that polls only every ten minutes, when it has delivered and nothing more comes, then its checkpoint is stored within moments, and on stop',
  async (t) => {
    const name = `delivered-${newId()}`;
    const checkpoint = async (): Promise<number> =>
      Number((await store.pool.query<{ position: string }>('SELECT position FROM alert.checkpoints WHERE name = $1', [name])).rows[0]?.position ?? 0);
    const delivered: number[] = [];
    const sub = await subscribe(store, {
      name,
      pollMs: 600_000,
      notifier,
      logger: quiet,
      deliver: async (events) => void delivered.push(...events.map((e) => e.position)),
    });
    const { positions } = await store.append(`delivered-${newId()}`, [newEvent('case-delivered')], { expectedVersion: 'no-stream' });
    await sub.caughtUp(positions[0]!);
    await eventually(async () => {
      if ((await checkpoint()) < positions[0]!) throw new Error('checkpoint not stored yet');
    }, 5000);
    t.ok(delivered.includes(positions[0]!), 'the append was delivered');

    const later = await store.append(`delivered-${newId()}`, [newEvent('case-delivered')], { expectedVersion: 'no-stream' });
    await sub.caughtUp(later.positions[0]!);
    await sub.stop();
    t.equal(await checkpoint(), later.positions[0], 'stopping stores what was delivered');
  },
);

t.test(
  'given a delivering subscription that lingers, when appends follow one another within its linger, then they are delivered together',
  async (t) => {
    const deliveries: number[][] = [];
    const sub = await subscribe(store, {
      name: `linger-${newId()}`,
      pollMs: 600_000,
      notifier,
      logger: quiet,
      lingerMs: 500,
      deliver: async (events) => void deliveries.push(events.map((e) => e.position)),
    });
    await sub.caughtUp(announcedUpTo);
    deliveries.length = 0;
    const positions: number[] = [];
    for (const name of ['case-a', 'case-b', 'case-c']) {
      positions.push(...(await store.append(`linger-${newId()}`, [newEvent(name)], { expectedVersion: 'no-stream' })).positions);
    }
    await sub.caughtUp(positions.at(-1)!);
    await sub.stop();

    t.same(deliveries, [positions], 'one delivery of the three, in order');
  },
);
