import t from 'tap';
import { ConcurrencyConflict } from '../errors.js';
import { newId } from '../ids.js';
import { AlongsideConflict } from './refusals.js';
import { newEvent, storeFixture } from './test-fixtures.js';
import { inTransaction } from './transaction.js';

const fx = await storeFixture('alongside');
t.teardown(fx.close);
const { store, pool } = fx;
await pool.query(`
  CREATE TABLE alert.claims (name text PRIMARY KEY, stream text NOT NULL);
  CREATE FUNCTION alert.claim(p_rows jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO alert.claims SELECT * FROM jsonb_populate_recordset(NULL::alert.claims, p_rows)
  $$;
  CREATE TABLE alert.notes (stream text NOT NULL, note text NOT NULL);
  CREATE FUNCTION alert.note(p_rows jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO alert.notes SELECT * FROM jsonb_populate_recordset(NULL::alert.notes, p_rows)
  $$;
`);

const claim = (name: string, stream: string) => ({ writer: 'claim', row: { name, stream } });
const note = (stream: string, text: string) => ({ writer: 'note', row: { stream, note: text } });
const claimsOf = async (names: string[]) =>
  (await pool.query<{ name: string; stream: string }>('SELECT name, stream FROM alert.claims WHERE name = ANY($1) ORDER BY name', [names])).rows;
const eventsOf = async (stream: string) => (await store.readStream(stream)).length;

t.test('given appends group-committed together, when some are refused, then only the written ones have their rows', async (t) => {
  const taken = `taken-${newId()}`;
  await store.append(taken, [newEvent('c')], { expectedVersion: 'no-stream' });
  const streams = [`s-${newId()}`, `s-${newId()}`, taken];
  const names = streams.map((_, i) => `claim-${i}-${newId()}`);
  const results = await Promise.allSettled(
    streams.map((s, i) => store.append(s, [newEvent('c')], { expectedVersion: 'no-stream', alongside: [claim(names[i]!, s), note(s, `n${i}`)] })),
  );
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'rejected'],
  );
  t.type((results[2] as PromiseRejectedResult).reason, ConcurrencyConflict, 'the stale one is a conflict');
  t.same(await claimsOf(names), [
    { name: names[0], stream: streams[0] },
    { name: names[1], stream: streams[1] },
  ]);
  const notes = await pool.query('SELECT note FROM alert.notes WHERE stream = ANY($1) ORDER BY note', [streams]);
  t.same(
    notes.rows.map((r) => r.note),
    ['n0', 'n1'],
    'every writer gets the rows of the written appends',
  );
});

t.test('given two appends in one batch claiming one row, when committed, then one is written with its row and the other is a conflict', async (t) => {
  const name = `claim-${newId()}`;
  const streams = [`a-${newId()}`, `b-${newId()}`, `c-${newId()}`];
  const results = await Promise.allSettled([
    store.append(streams[0]!, [newEvent('c')], { expectedVersion: 'no-stream', alongside: [claim(name, streams[0]!)] }),
    store.append(streams[1]!, [newEvent('c')], { expectedVersion: 'no-stream', alongside: [claim(name, streams[1]!)] }),
    store.append(streams[2]!, [newEvent('c')], { expectedVersion: 'no-stream' }),
  ]);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
    'the append with no claim commits too',
  );
  t.type((results[1] as PromiseRejectedResult).reason, AlongsideConflict);
  t.match((results[1] as PromiseRejectedResult).reason, { status: 409, code: 'CONCURRENCY_CONFLICT' });
  t.same(await claimsOf([name]), [{ name, stream: streams[0] }]);
  t.same(await Promise.all(streams.map(eventsOf)), [1, 0, 1], 'nothing of the losing append is stored');
});

t.test("given an append in the caller's transaction, when it carries rows, then they commit or roll back with it", async (t) => {
  const [kept, dropped] = [`kept-${newId()}`, `dropped-${newId()}`];
  await inTransaction(pool, (tx) => store.append(kept, [newEvent('c')], { expectedVersion: 'no-stream', tx, alongside: [claim(kept, kept)] }));
  await t.rejects(
    inTransaction(pool, async (tx) => {
      await store.append(dropped, [newEvent('c')], { expectedVersion: 'no-stream', tx, alongside: [claim(dropped, dropped)] });
      throw new Error('the unit of work fails');
    }),
  );
  t.same(await claimsOf([kept, dropped]), [{ name: kept, stream: kept }]);
});
