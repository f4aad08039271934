import assert from 'node:assert/strict';
import pg from 'pg';
import t from 'tap';
import { newId } from '../ids.js';
import { eventually } from '../testing/index.js';
import { AppendNotifier } from './notifier.js';
import { UnstorableInput } from './refusals.js';
import { newEvent, quiet, storeFixture } from './test-fixtures.js';
import { inTransaction } from './transaction.js';

const fx = await storeFixture('faults');
t.teardown(fx.close);
const { store, pool, db } = fx;
// One session, so that ending every other session never ends one of its own.
const admin = new pg.Pool({ connectionString: db.url, max: 1 });
t.teardown(() => admin.end());

/** Ends every other backend of this test's database, as a failover or an operator would. */
async function terminateAll(applicationName?: string): Promise<number> {
  const { rowCount } = await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND ($2::text IS NULL OR application_name = $2)`,
    [db.name, applicationName ?? null],
  );
  return rowCount ?? 0;
}

/** The backends of this test's database under an application name, by pid. */
const sessions = async (applicationName: string): Promise<number[]> =>
  (
    await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [db.name, applicationName])
  ).rows.map((r) => r.pid);

t.test(
  'given a transaction holding a pooled client, when its backend is terminated, then only that transaction fails and the pool serves the next',
  async (t) => {
    const failed = inTransaction(pool, async (tx) => {
      await tx.query('SELECT 1');
      await terminateAll();
      await tx.query('SELECT pg_sleep(1)');
    });
    await t.rejects(failed);
    t.equal((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    t.equal((await store.append(`s-${newId()}`, [newEvent('c')], { expectedVersion: 'no-stream' })).version, 1);
  },
);

t.test('given a replay reading pages, when its backend is terminated, then the read fails and the process carries on', async (t) => {
  for (let i = 0; i < 5; i++) await store.append(`r-${newId()}`, [newEvent('c')], { expectedVersion: 'no-stream' });
  const replay = (async () => {
    for await (const page of store.readAllPages(0)) {
      if (page.length > 0) await terminateAll();
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await replay.catch(() => undefined);
  t.ok((await store.readAll(0, 10)).length > 0);
});

t.test('given the notifier, when its connection is terminated 20 times in a row, then it holds one connection and still hears appends', async (t) => {
  const notifier = new AppendNotifier(db.url, 'alert', quiet);
  t.teardown(() => notifier.close());
  await notifier.start();
  const name = 'rapid-search-alert-listen';
  // A session ended is seen to have ended only once the notifier's new one is up: until then a
  // dying backend may still be listed, and the notifier may not yet have heard of its loss.
  const ended = new Set<number>();
  const listeningAnew = () =>
    eventually(async () => {
      const pids = await sessions(name);
      assert.ok(notifier.listening() && pids.length === 1 && !ended.has(pids[0]!));
    }, 15000);
  for (let i = 0; i < 20; i++) {
    await listeningAnew();
    for (const pid of await sessions(name)) ended.add(pid);
    await terminateAll(name);
  }
  await listeningAnew();
  t.pass('one LISTEN connection after 20 terminations');
  // A reconnect also announces an append, at position 0; the one awaited here is the store's.
  const heard = new Promise<number>((resolve) => notifier.on('append', (position: number) => position > 0 && resolve(position)));
  await store.append(`n-${newId()}`, [newEvent('c')], { expectedVersion: 'no-stream' });
  t.equal(await heard, (await store.readAll(0, 1000)).at(-1)?.position, 'the append is heard at its position');
});

t.test(
  'given a batch with poisoned appends, when it is group-committed, then each poisoned one fails alone with 400 and the rest commit',
  async (t) => {
    const poisoned = (text: string) =>
      ({ ...newEvent('c'), event: { ...newEvent('c').event, data: { ...newEvent('c').event.data, reason: text } } }) as ReturnType<typeof newEvent>;
    const appends = [...Array.from({ length: 8 }, () => [newEvent('c')]), [poisoned('nul \u0000 here')], [poisoned('lone \ud800 surrogate')]].map(
      (events) => store.append(`p-${newId()}`, events, { expectedVersion: 'no-stream' }),
    );
    const settled = await Promise.allSettled(appends);
    t.equal(settled.filter((s) => s.status === 'fulfilled').length, 8);
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
    t.equal(refused.length, 2);
    t.ok(refused.every((r) => r instanceof UnstorableInput && r.status === 400));
  },
);

t.test('given every session just ended, when appends are made at once, then each succeeds on a new session', async (t) => {
  await store.append(`warm-${newId()}`, [newEvent('c')], { expectedVersion: 'no-stream' });
  await terminateAll();
  const results = await Promise.all(
    Array.from({ length: 3 }, () => store.append(`after-${newId()}`, [newEvent('c')], { expectedVersion: 'no-stream' })),
  );
  t.same(
    results.map((r) => r.version),
    [1, 1, 1],
  );
});
