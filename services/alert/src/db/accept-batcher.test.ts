import t from 'tap';
import type { Pool } from 'pg';
import { AcceptBatcher, type AcceptItem, type AcceptOutcome } from './accept-batcher.js';

/**
 * A stand-in for the pool that records each `accept_reports` call and lets the test decide when
 * its transaction commits. The batching is what is under test here; the statement itself is
 * exercised against Postgres in integration/intake.test.ts.
 */
function committingByHand() {
  const calls: { keys: string[]; commit: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pool = {
    query: (_sql: string, [json]: [string]) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const items = JSON.parse(json) as AcceptItem[];
      return new Promise((resolve) => {
        calls.push({
          keys: items.map((i) => i.idempotencyKey),
          commit: () => {
            inFlight -= 1;
            const r: AcceptOutcome[] = items.map((i) => ({ outcome: 'opened', status: 201, answer: { alertId: i.idempotencyKey, caseId: 'c', status: 'open' } }));
            resolve({ rows: [{ r }] });
          },
        });
      });
    },
  } as unknown as Pool;
  return { pool, calls, maxInFlight: () => maxInFlight };
}

const item = (key: string) => ({ idempotencyKey: key }) as AcceptItem;
const settle = () => new Promise((r) => setImmediate(r));

t.test('given a batch in its transaction, when more reports arrive, then they wait and go together as the next batch', async (t) => {
  const db = committingByHand();
  const batcher = new AcceptBatcher(db.pool);
  const first = batcher.submit(item('k1'));
  await settle();
  const rest = ['k2', 'k3', 'k4'].map((k) => batcher.submit(item(k)));
  await settle();
  t.same(db.calls.map((c) => c.keys), [['k1']], 'no second batch while the first is in flight');

  db.calls[0]!.commit();
  t.equal((await first).outcome, 'opened');
  await settle();
  t.same(db.calls.map((c) => c.keys), [['k1'], ['k2', 'k3', 'k4']]);

  db.calls[1]!.commit();
  t.same((await Promise.all(rest)).map((r) => (r.outcome === 'key-reused' ? null : r.answer.alertId)), ['k2', 'k3', 'k4']);
  t.equal(db.maxInFlight(), 1);
});

t.test('given a batch that just committed, when a report arrives as its answers go out, then it is not left waiting', async (t) => {
  const db = committingByHand();
  const batcher = new AcceptBatcher(db.pool);
  const late = batcher.submit(item('k1')).then(() => batcher.submit(item('k2')));
  await settle();
  db.calls[0]!.commit();
  await settle();
  t.same(db.calls.map((c) => c.keys), [['k1'], ['k2']]);
  db.calls[1]!.commit();
  t.equal((await late).outcome, 'opened');
  await batcher.drain();
});

t.test('given a report alone in its batch, when the batch loses its Postgres session, then it is tried once more and taken', async (t) => {
  const keys: string[][] = [];
  const pool = {
    query: (_sql: string, [json]: [string]) => {
      const items = JSON.parse(json) as AcceptItem[];
      keys.push(items.map((i) => i.idempotencyKey));
      if (keys.length === 1) return Promise.reject(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
      return Promise.resolve({ rows: [{ r: items.map((i) => ({ outcome: 'opened', status: 201, answer: { alertId: i.idempotencyKey, caseId: 'c', status: 'open' } })) }] });
    },
  } as unknown as Pool;
  const outcome = await new AcceptBatcher(pool).submit(item('k1'));
  t.same(keys, [['k1'], ['k1']], 'the same report, on its own, a second time');
  t.equal(outcome.outcome, 'opened');
});

t.test('given a report alone in its batch, when Postgres refuses its data, then it fails at once with a 400', async (t) => {
  let calls = 0;
  const pool = {
    query: () => (calls++, Promise.reject(Object.assign(new Error('invalid byte sequence'), { code: '22021' }))),
  } as unknown as Pool;
  await t.rejects(new AcceptBatcher(pool).submit(item('k1')), { code: 'UNSTORABLE_INPUT' });
  t.equal(calls, 1, 'a refusal is not sent again');
});
