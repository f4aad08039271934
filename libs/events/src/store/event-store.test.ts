import t from 'tap';
import { ConcurrencyConflict } from '../errors.js';
import { newId } from '../ids.js';
import { eventually } from '../testing/index.js';
import { migrate } from './migrations.js';
import { eventStoreMigrations } from './schema.js';
import { newEvent, storeFixture } from './test-fixtures.js';

const fx = await storeFixture('store');
t.teardown(fx.close);
const { store, pool } = fx;

t.test('expected version is enforced exactly for each of its four forms', async (t) => {
  const s = `stream-${newId()}`;
  await t.rejects(store.append(s, [newEvent('c')], { expectedVersion: 'stream-exists' }), ConcurrencyConflict);
  t.same((await store.append(s, [newEvent('c')], { expectedVersion: 'no-stream' })).version, 1);
  await t.rejects(store.append(s, [newEvent('c')], { expectedVersion: 'no-stream' }), ConcurrencyConflict);
  t.same((await store.append(s, [newEvent('c')], { expectedVersion: 'stream-exists' })).version, 2);
  t.same((await store.append(s, [newEvent('c'), newEvent('c')], { expectedVersion: 2 })).version, 4);
  const conflict = await store.append(s, [newEvent('c')], { expectedVersion: 2 }).catch((e: unknown) => e);
  t.type(conflict, ConcurrencyConflict);
  t.match(conflict, { streamId: s, expected: 2, actual: 4, code: 'CONCURRENCY_CONFLICT' });
  t.same((await store.append(s, [newEvent('c')], { expectedVersion: 'any' })).version, 5);
  t.same(
    (await store.readStream(s)).map((e) => e.streamVersion),
    [1, 2, 3, 4, 5],
  );
});

t.test('given concurrent appends at one version, exactly one wins per version', async (t) => {
  const s = `race-${newId()}`;
  await store.append(s, [newEvent('c')], { expectedVersion: 'no-stream' });
  const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(s, [newEvent('c')], { expectedVersion: 1 })));
  t.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
  t.ok(attempts.filter((a) => a.status === 'rejected').every((a) => a.reason instanceof ConcurrencyConflict));
  // The same race across separate transactions (not one group-committed batch): still one winner.
  const clients = await Promise.all(Array.from({ length: 5 }, () => pool.connect()));
  const results = await Promise.allSettled(
    clients.map(async (c) => {
      await c.query('BEGIN');
      try {
        const r = await store.append(s, [newEvent('c')], { expectedVersion: 2, tx: c });
        await c.query('COMMIT');
        return r;
      } catch (error) {
        await c.query('ROLLBACK');
        throw error;
      }
    }),
  );
  clients.forEach((c) => c.release());
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  t.equal((await store.readStream(s)).length, 3);
});

t.test(
  'given events already appended, when the same ids are appended again, then the original positions return and nothing is written',
  async (t) => {
    const s = `idem-${newId()}`;
    const ids = [newId(), newId()];
    const first = await store.append(
      s,
      ids.map((id) => newEvent('c', 0, id)),
      { expectedVersion: 'no-stream' },
    );
    const again = await store.append(
      s,
      ids.map((id) => newEvent('c', 0, id)),
      { expectedVersion: 'no-stream' },
    );
    t.same(again.positions, first.positions);
    t.ok(again.duplicate);
    t.equal((await store.readStream(s)).length, 2);
    await t.rejects(store.append(s, [newEvent('c', 0, ids[0]), newEvent('c')], { expectedVersion: 2 }), /repeats some but not all/);
  },
);

t.test('given appends group-committed in one batch, when later ones build on earlier ones, then each sees what came before it', async (t) => {
  const s = `batch-${newId()}`;
  const repeated = newId();
  // Appends made in one go share a batch.
  const [first, second, again] = await Promise.all([
    store.append(s, [newEvent('c', 0, repeated)], { expectedVersion: 'no-stream' }),
    store.append(s, [newEvent('c'), newEvent('c')], { expectedVersion: 1 }),
    store.append(s, [newEvent('c', 0, repeated)], { expectedVersion: 'no-stream' }),
  ]);
  t.same([first.version, second.version], [1, 3], 'the second append found the stream at the version the first left');
  t.ok(again.duplicate, 'the same event id twice in one batch is written once');
  t.same(again.positions, first.positions);
  t.same(
    (await store.readStream(s)).map((e) => e.streamVersion),
    [1, 2, 3],
  );
});

t.test('given a store at rest, when appends to many streams are made in one go, then they are written in one transaction', async (t) => {
  const streams = Array.from({ length: 15 }, () => `one-go-${newId()}`);
  await Promise.all(streams.map((s) => store.append(s, [newEvent('c')], { expectedVersion: 'no-stream' })));
  const { rows } = await pool.query<{ transactions: string }>(
    'SELECT count(DISTINCT xmin::text) AS transactions FROM alert.events WHERE stream_id = ANY($1)',
    [streams],
  );
  t.equal(Number(rows[0]!.transactions), 1, 'one batch: one round trip and one commit');
});

t.test(
  'given one batch of appends to distinct streams, when some are new, repeated or stale, then each gets its own answer and only the new events are written, in batch order',
  async (t) => {
    const repeatedId = newId();
    const [repeated, stale, grown] = [`repeated-${newId()}`, `stale-${newId()}`, `grown-${newId()}`];
    const before = await Promise.all([
      store.append(repeated, [newEvent('c', 0, repeatedId)], { expectedVersion: 'no-stream' }),
      store.append(stale, [newEvent('c')], { expectedVersion: 'no-stream' }),
      store.append(grown, [newEvent('c')], { expectedVersion: 'no-stream' }),
    ]);
    const fresh = `fresh-${newId()}`;
    const [added, again, refused, extended] = await Promise.allSettled([
      store.append(fresh, [newEvent('c'), newEvent('c')], { expectedVersion: 'no-stream' }),
      store.append(repeated, [newEvent('c', 0, repeatedId)], { expectedVersion: 'no-stream' }),
      store.append(stale, [newEvent('c')], { expectedVersion: 'no-stream' }),
      store.append(grown, [newEvent('c')], { expectedVersion: 1 }),
    ]);
    if (added.status !== 'fulfilled' || again.status !== 'fulfilled' || extended.status !== 'fulfilled') {
      return t.fail('the new, repeated and extending appends are all answered');
    }
    t.same([added.value.version, added.value.positions.length, added.value.duplicate], [2, 2, false]);
    t.same([again.value.duplicate, again.value.positions], [true, before[0].positions], 'a repeat returns where it was written');
    t.match(refused, { status: 'rejected', reason: { code: 'CONCURRENCY_CONFLICT', expected: 'no-stream', actual: 1 } });
    t.equal(extended.value.version, 2);
    t.ok(added.value.positions[1]! < extended.value.positions[0]!, 'positions follow the order of the batch');
    t.same(
      (await store.readStream(fresh)).map((e) => e.position),
      added.value.positions,
    );
    t.same((await store.readStream(repeated)).length, 1);
    t.same((await store.readStream(stale)).length, 1);
  },
);

t.test(
  'given an event stored in one stream, when a large batch appends its id to a new stream, then the batch is answered as before in one transaction',
  async (t) => {
    const storedId = newId();
    const before = await store.append(`home-${newId()}`, [newEvent('c', 0, storedId)], { expectedVersion: 'no-stream' });
    const [elsewhere, large, small] = [`elsewhere-${newId()}`, `large-${newId()}`, `small-${newId()}`];
    // One go: one batch, with enough events of new streams that its ids are not looked up before the insert.
    const [moved, many, one] = await Promise.all([
      store.append(elsewhere, [newEvent('c', 0, storedId)], { expectedVersion: 'no-stream' }),
      store.append(
        large,
        Array.from({ length: 100 }, () => newEvent('c')),
        { expectedVersion: 'no-stream' },
      ),
      store.append(small, [newEvent('c')], { expectedVersion: 'no-stream' }),
    ]);
    t.same([moved.duplicate, moved.positions], [true, before.positions], 'the stored event is where it was written');
    t.same([many.duplicate, many.version, one.duplicate, one.version], [false, 100, false, 1], 'the other appends of the batch are written');
    t.same((await store.readStream(elsewhere)).length, 0);
    const { rows } = await pool.query<{ transactions: string }>(
      'SELECT count(DISTINCT xmin::text) AS transactions FROM alert.events WHERE stream_id = ANY($1)',
      [[large, small]],
    );
    t.equal(Number(rows[0]!.transactions), 1, 'decided again within the call, not sent again item by item');
  },
);

t.test('the database refuses UPDATE, DELETE and TRUNCATE of events', async (t) => {
  await store.append(`x-${newId()}`, [newEvent('c')], { expectedVersion: 'any' });
  await t.rejects(pool.query(`UPDATE alert.events SET type = 'Forged'`), /append-only: UPDATE/);
  await t.rejects(pool.query('DELETE FROM alert.events'), /append-only: DELETE/);
  await t.rejects(pool.query('TRUNCATE alert.events'), /append-only: TRUNCATE/);
});

t.test('migrations run twice and from two processes at once apply once', async (t) => {
  const runs = await Promise.all([
    migrate(pool, 'dispatch', eventStoreMigrations('dispatch')),
    migrate(pool, 'dispatch', eventStoreMigrations('dispatch')),
  ]);
  t.same(
    runs.flat(),
    eventStoreMigrations('dispatch').map((m) => m.version),
  );
  t.same(await migrate(pool, 'dispatch', eventStoreMigrations('dispatch')), []);
});

t.test('readAll returns events in position order, decoded envelopes intact', async (t) => {
  const head = await store.headPosition();
  const s = `read-${newId()}`;
  await store.append(s, [newEvent('case-r', 1), newEvent('case-r', 2)], { expectedVersion: 'no-stream' });
  const events = await store.readAll(head);
  t.same(
    events.map((e) => e.streamVersion),
    [1, 2],
  );
  t.match(events[0], { streamId: s, caseId: 'case-r', type: 'AlertClosed', version: 1, metadata: { actor: { id: 'tester' } } });
});

t.test('given stored events, when replayed through readAllPages, then they read back exactly as readAll reads them', async (t) => {
  const head = await store.headPosition();
  const s = `replay-${newId()}`;
  await store.append(
    s,
    Array.from({ length: 300 }, (_, i) => newEvent(`case-${i % 7}`, i)),
    { expectedVersion: 'no-stream' },
  );
  const paged: unknown[] = [];
  for await (const page of store.readAllPages(head)) paged.push(...page);
  t.equal(paged.length, 300);
  t.same(paged, await store.readAll(head, 300), 'the same envelopes, times and ids, in the same order');
});

t.test('given a replay stopped midway, when the pool is used next, then it answers (the half-read connection was not pooled)', async (t) => {
  const head = await store.headPosition();
  await store.append(
    `stop-${newId()}`,
    Array.from({ length: 50 }, (_, i) => newEvent('case-stop', i)),
    { expectedVersion: 'no-stream' },
  );
  for (let i = 0; i < pool.options.max + 1; i++) {
    for await (const page of store.readAllPages(head - 1)) {
      t.ok(page.length > 0);
      break;
    }
  }
  t.equal(await store.headPosition(), head + 50);
  // The discarded connections close: no COPY is left running on the server for nobody.
  await eventually(async () => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY%' AND pid <> pg_backend_pid()`,
    );
    if (rows[0]!.n !== '0') throw new Error(`${rows[0]!.n} COPY sessions still open`);
  }, 10000);
});

t.test('given case ids with quotes, backslashes, commas and braces, when appended together, then each reads back as it was', async (t) => {
  const cases = ['with "quotes"', 'back\\slash', 'comma, and {braces}', 'NULL', '  spaced  ', '中文 case'];
  const streams = cases.map(() => `odd-${newId()}`);
  await Promise.all(cases.map((c, i) => store.append(streams[i]!, [newEvent(c), newEvent(c, 1)], { expectedVersion: 'no-stream' })));
  for (const [i, c] of cases.entries()) {
    const read = await store.readStream(streams[i]!);
    t.same(
      read.map((e) => [e.caseId, (e.data as { caseId: string }).caseId, e.streamVersion]),
      [
        [c, c, 1],
        [c, c, 2],
      ],
      c,
    );
  }
});
