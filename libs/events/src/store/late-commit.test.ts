import t from 'tap';
import { newId } from '../ids.js';
import type { StoredEvent } from './event-store.js';
import { subscribe } from './subscription.js';
import { newEvent, quiet, storeFixture, transactional } from './test-fixtures.js';

const fx = await storeFixture('late');
t.teardown(fx.close);
const { store, pool } = fx;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test(
  'given a slow writer holding its transaction open, when fast writers append meanwhile, then no reader ever skips the late commit',
  async (t) => {
    const seen: StoredEvent[] = [];
    const sub = await subscribe(store, {
      name: 'late-commit-watcher',
      pollMs: 5,
      logger: quiet,
      write: transactional(pool, async (events) => void seen.push(...events)),
    });
    // A reader that polls as fast as it can until it has passed the last position written.
    let lastWritten = Number.POSITIVE_INFINITY;
    let cursor = 0;
    const polled: number[] = [];
    const poller = (async () => {
      while (cursor < lastWritten) {
        const batch = await store.readAll(cursor, 1000);
        for (const e of batch) polled.push(e.position);
        cursor = batch.at(-1)?.position ?? cursor;
        await sleep(1);
      }
    })();

    // Slow writer A draws its position, then holds the transaction open.
    const slowA = await pool.connect();
    await slowA.query('BEGIN');
    const a = await store.append(`slow-${newId()}`, [newEvent('case-slow')], { expectedVersion: 'no-stream', tx: slowA });
    // Slow writer B opens its transaction and writes elsewhere first, appending only later.
    const slowB = await pool.connect();
    await slowB.query('BEGIN');
    await slowB.query(`INSERT INTO alert.checkpoints (name, position) VALUES ('unrelated-${newId()}', 0)`);

    const fast = Promise.all(
      Array.from({ length: 40 }, (_, i) => store.append(`fast-${i}-${newId()}`, [newEvent(`case-fast-${i}`)], { expectedVersion: 'any' })),
    );
    await sleep(300);
    t.equal(polled.filter((p) => p >= a.positions[0]!).length, 0, 'nothing at or after the open transaction is visible yet');
    await slowA.query('COMMIT');
    slowA.release();
    const fastResults = await fast;

    const b = await store.append(`slow-b-${newId()}`, [newEvent('case-slow-b')], { expectedVersion: 'no-stream', tx: slowB });
    await sleep(200);
    await slowB.query('COMMIT');
    slowB.release();

    const all = [a.positions[0]!, ...fastResults.map((r) => r.positions[0]!), b.positions[0]!];
    lastWritten = Math.max(...all);
    await sub.caughtUp(lastWritten);
    await poller;
    await sub.stop();

    const seenPositions = seen.map((e) => e.position);
    t.same(
      [...seenPositions].sort((x, y) => x - y),
      seenPositions,
      'the subscription saw events in position order',
    );
    t.equal(new Set(seenPositions).size, seenPositions.length, 'none twice');
    t.same(
      [...all].sort((x, y) => x - y),
      seenPositions,
      'the subscription saw every event, the late commits included',
    );
    t.same(
      [...all].sort((x, y) => x - y),
      polled,
      'the fast poller saw every event too',
    );
    t.ok(b.positions[0]! > Math.max(...fastResults.map((r) => r.positions[0]!)), 'a position is drawn only at append time');
  },
);

t.test('a subscription resumes from its stored checkpoint after a restart', async (t) => {
  const s = `resume-${newId()}`;
  const first: number[] = [];
  const sub1 = await subscribe(store, {
    name: 'resumer',
    pollMs: 5,
    logger: quiet,
    write: transactional(pool, async (e) => void first.push(...e.map((x) => x.position))),
  });
  const r1 = await store.append(s, [newEvent('c1'), newEvent('c1')], { expectedVersion: 'no-stream' });
  await sub1.caughtUp(r1.positions[1]!);
  await sub1.stop();
  const r2 = await store.append(s, [newEvent('c1')], { expectedVersion: 2 });
  const second: number[] = [];
  const sub2 = await subscribe(store, {
    name: 'resumer',
    pollMs: 5,
    logger: quiet,
    write: transactional(pool, async (e) => void second.push(...e.map((x) => x.position))),
  });
  await sub2.caughtUp(r2.positions[0]!);
  await sub2.stop();
  t.ok(first.includes(r1.positions[0]!) && first.includes(r1.positions[1]!), 'the first run saw its events');
  t.same(second, [r2.positions[0]!], 'only what came after the checkpoint');
});

t.test('a handler failure rolls back the checkpoint and the batch is retried', async (t) => {
  const s = `retry-${newId()}`;
  let attempts = 0;
  const handled: number[] = [];
  const r = await store.append(s, [newEvent('c2')], { expectedVersion: 'no-stream' });
  const sub = await subscribe(store, {
    name: 'flaky',
    pollMs: 5,
    logger: quiet,
    write: transactional(pool, async (events) => {
      attempts++;
      if (attempts === 1) throw new Error('transient');
      handled.push(...events.map((e) => e.position));
    }),
  });
  await sub.caughtUp(r.positions[0]!);
  await sub.stop();
  t.ok(attempts >= 2);
  t.ok(handled.includes(r.positions[0]!));
});
