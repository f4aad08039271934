import { eventStoreMigrations, migrate, newId, type ConsumedEvent } from '@rapid-search/events';
import { createTestDatabase } from '@rapid-search/events/testing';
import pg from 'pg';
import t from 'tap';
import { ledgerMigrations } from '../migrations.js';
import { appendToChain } from './append.js';
import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';

const db = await createTestDatabase('ledger_append');
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
t.teardown(async () => {
  await pool.end();
  await db.drop();
});
await migrate(pool, 'ledger', [...eventStoreMigrations('ledger'), ...ledgerMigrations]);

/** A consumed alert event, as the audit consumer hands it over. */
function consumed(caseId: string, streamVersion: number): ConsumedEvent {
  const data = { caseId, alertId: `alert-${caseId}`, reason: `reason ${streamVersion} 失踪`, closedAt: '2026-11-22T08:00:00.000Z' };
  return {
    eventId: newId(),
    type: 'AlertClosed',
    version: 1,
    streamId: `alert-${caseId}`,
    streamVersion,
    position: streamVersion,
    caseId,
    metadata: { actor: { id: 'test', role: 'system' }, correlationId: caseId, causationId: null },
    occurredAt: '2026-11-22T08:00:00.000Z',
    recordedAt: '2026-11-22T08:00:00.000Z',
    topic: 'alert.events.v1',
    event: { type: 'AlertClosed', data } as ConsumedEvent['event'],
  };
}

const entries = async () =>
  (await pool.query<{ seq: string; event_id: string; entry: string; prev_hash: string; hash: string }>('SELECT * FROM ledger.entries ORDER BY seq'))
    .rows;

t.test('given an empty chain, when a chunk is appended, then it links from the genesis hash with the hashes canonical.ts computes', async (t) => {
  const caseId = newId();
  const chunk = [consumed(caseId, 1), consumed(caseId, 2)];
  await appendToChain(pool, chunk);
  const rows = await entries();
  t.same(
    rows.map((r) => [Number(r.seq), r.event_id]),
    chunk.map((e, i) => [i + 1, e.eventId]),
  );
  let prev = GENESIS_HASH;
  for (const [i, row] of rows.entries()) {
    const { topic: _topic, event, ...envelope } = chunk[i]!;
    t.equal(row.entry, canonicalJson({ ...envelope, data: event.data }), `entry ${i + 1} is the canonical envelope`);
    t.equal(row.prev_hash, prev);
    t.equal(row.hash, chainHash(prev, row.entry), `entry ${i + 1} hashes as the verifier recomputes it`);
    prev = row.hash;
  }
});

t.test('given events whose text holds control characters, when they are chained, then each entry is whole and hashes as verified', async (t) => {
  const before = await entries();
  const caseId = newId();
  const chunk = [consumed(caseId, 1), consumed(caseId, 2)].map((e, i) => ({
    ...e,
    event: { ...e.event, data: { ...e.event.data, reason: `seen\u001eleft${i}\u001f\n` } } as ConsumedEvent['event'],
  }));
  await appendToChain(pool, chunk);
  const added = (await entries()).slice(before.length);
  t.equal(added.length, 2, 'one entry per event, none split apart');
  let prev = before[before.length - 1]!.hash;
  for (const [i, row] of added.entries()) {
    const { topic: _topic, event, ...envelope } = chunk[i]!;
    t.equal(row.entry, canonicalJson({ ...envelope, data: event.data }));
    t.equal(row.hash, chainHash(prev, row.entry));
    prev = row.hash;
  }
});

t.test(
  'given a chain, when a chunk repeats an event already chained and holds one event twice, then only the new event is linked, once, after the head',
  async (t) => {
    const before = await entries();
    const head = before[before.length - 1]!;
    const caseId = newId();
    const fresh = consumed(caseId, 1);
    await appendToChain(
      pool,
      [consumed(caseId, 9), fresh, fresh].map((e, i) => (i === 0 ? { ...e, eventId: head.event_id } : e)),
    );
    const after = await entries();
    t.equal(after.length, before.length + 1);
    const added = after[after.length - 1]!;
    t.same([Number(added.seq), added.event_id, added.prev_hash], [Number(head.seq) + 1, fresh.eventId, head.hash]);
  },
);

t.test('given several chunks appended at once, when they commit, then the chain has one head and no fork', async (t) => {
  const chunks = Array.from({ length: 6 }, () => {
    const caseId = newId();
    return [consumed(caseId, 1), consumed(caseId, 2), consumed(caseId, 3)];
  });
  await Promise.all(chunks.map((chunk) => appendToChain(pool, chunk)));
  const rows = await entries();
  t.same(
    rows.map((r) => Number(r.seq)),
    rows.map((_, i) => i + 1),
    'seq runs 1, 2, 3, … without gaps',
  );
  for (let i = 1; i < rows.length; i++) t.equal(rows[i]!.prev_hash, rows[i - 1]!.hash, `entry ${i + 1} links to entry ${i}`);
});

t.test('given a row written around the chain function, when its hash is not 64 lowercase hex digits, then the database refuses it', async (t) => {
  const insert = (prevHash: string, hash: string, client: pg.Pool | pg.PoolClient = pool) =>
    client.query(
      `INSERT INTO ledger.entries (seq, topic, event_id, type, stream_id, stream_version, entry, prev_hash, hash)
       VALUES (1000000, 't', $1, 'AlertClosed', 's', 1, '{}', $2, $3)`,
      [newId(), prevHash, hash],
    );
  const good = 'ab'.repeat(32);
  for (const [label, bad] of [
    ['upper case', 'AB'.repeat(32)],
    ['63 digits', good.slice(1)],
    ['65 digits', `${good}0`],
    ['not hex', 'g'.repeat(64)],
    ['empty', ''],
  ] as const) {
    await t.rejects(insert(bad, good), { code: '23514', constraint: 'entries_prev_hash_check' }, `prev_hash: ${label}`);
    await t.rejects(insert(good, bad), { code: '23514', constraint: 'entries_hash_check' }, `hash: ${label}`);
  }
  // Taken, then rolled back: the chain is append-only, and this row is no link of it.
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await t.resolves(insert(good, good, client), 'well-formed hashes are taken');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
});
