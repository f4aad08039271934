/**
 * Event-store benchmark: our PgEventStore against @event-driven-io/emmett-postgresql on the same
 * Postgres, in one run. Prints each figure in events/s; the last lines are the summary the issue
 * names, then the targets.
 *
 * The two stores take turns, round after round, each round's order the other way round from the
 * last's, and each ratio is the median of the rounds' own ratios: this machine's speed drifts
 * within a minute, and a store measured a minute after the other would carry that drift in its figure.
 */
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { eventStoreMigrations, migrate, newId, PgEventStore, type NewEvent } from '@rapid-search/events';
import { createTestDatabase } from '@rapid-search/events/testing';

const WRITERS = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
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

/** What each store is measured doing: single-event appends to a stream of its own per writer, and 100-event batches to new streams. */
interface Appender {
  name: 'ours' | 'emmett';
  single: (stream: string, i: number) => Promise<unknown>;
  batch: (stream: string) => Promise<unknown>;
}

async function rate(events: number, run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return events / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function writers(perWriter: (writer: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => perWriter(w)));
}

const singles = (a: Appender, perWriter: number) =>
  rate(WRITERS * perWriter, () =>
    writers(async (w) => {
      const stream = `single-${w}-${newId()}`;
      for (let i = 0; i < perWriter; i++) await a.single(stream, i);
    }),
  );

const batches = (a: Appender, count: number) =>
  rate(count * BATCH_SIZE, () =>
    writers(async (w) => {
      for (let b = w; b < count; b += WRITERS) await a.batch(`batch-${b}-${newId()}`);
    }),
  );

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const perSecond = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);

const dbOurs = await createTestDatabase('bench_ours');
const dbEmmett = await createTestDatabase('bench_emmett');
const pool = new pg.Pool({ connectionString: dbOurs.url, max: WRITERS });
const emmett = getPostgreSQLEventStore(dbEmmett.url);
try {
  await migrate(pool, 'bench', eventStoreMigrations('bench'));
  const store = new PgEventStore(pool, 'bench');
  const appenders: [Appender, Appender] = [
    {
      name: 'ours',
      single: (stream, i) => store.append(stream, [ours(i)], { expectedVersion: i === 0 ? 'no-stream' : i }),
      batch: (stream) =>
        store.append(
          stream,
          Array.from({ length: BATCH_SIZE }, (_, i) => ours(i)),
          { expectedVersion: 'no-stream' },
        ),
    },
    {
      name: 'emmett',
      single: (stream, i) => emmett.appendToStream(stream, [theirs(i)], { expectedStreamVersion: BigInt(i) }),
      batch: (stream) =>
        emmett.appendToStream(
          stream,
          Array.from({ length: BATCH_SIZE }, (_, i) => theirs(i)),
        ),
    },
  ];
  // Warm both: sessions opened, statements planned, the JIT of this process settled.
  for (const a of appenders) {
    await singles(a, 20);
    await batches(a, WRITERS);
  }

  const figures = { ours: { single: [] as number[], batch: [] as number[] }, emmett: { single: [] as number[], batch: [] as number[] } };
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? appenders : ([appenders[1], appenders[0]] as const);
    for (const a of order) figures[a.name].batch.push(await batches(a, BATCHES));
    for (const a of order) figures[a.name].single.push(await singles(a, SINGLE_PER_WRITER));
    const [o, e] = [figures.ours, figures.emmett];
    console.log(
      `round ${round} (${order[0].name} first): ${BATCH_SIZE}-event batches ours ${perSecond(o.batch.at(-1)!)} emmett ${perSecond(e.batch.at(-1)!)}` +
        ` · single appends ours ${perSecond(o.single.at(-1)!)} emmett ${perSecond(e.single.at(-1)!)} events/s`,
    );
  }
  const ratio = (kind: 'single' | 'batch') => median(figures.ours[kind].map((o, i) => o / figures.emmett[kind][i]!));

  // Fill up to READ_EVENTS, then read everything back from position 0 in pages.
  for (let n = await store.headPosition(); n < READ_EVENTS; n += 1000) {
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
  const read = await rate(total, async () => {
    for await (const page of store.readAllPages(0)) void page;
  });

  const medianOf = (name: 'ours' | 'emmett', kind: 'single' | 'batch') => Math.round(median(figures[name][kind]));
  console.log(`batch-append ours=${medianOf('ours', 'batch')}/s emmett=${medianOf('emmett', 'batch')}/s ratio=${ratio('batch').toFixed(2)}`);
  console.log(`read-all ours=${Math.round(read)}/s`);
  console.log(`store-append ours=${medianOf('ours', 'single')}/s emmett=${medianOf('emmett', 'single')}/s ratio=${ratio('single').toFixed(2)}`);
  console.log(
    `(medians of ${ROUNDS} rounds; each ratio the median of the rounds' ratios; readAll one streamed binary COPY, decoded, of ${total} events)`,
  );
  console.log('target: batch-append ratio >= 1.0 (Emmett)');
  console.log('target: store-append ratio >= 3.0 (Emmett)');
  console.log('target: read-all >= 300000 events/s');
} finally {
  await pool.end();
  await emmett.close();
  await dbOurs.drop();
  await dbEmmett.drop();
}

// The figures are printed: nothing left open (a pool, a broker socket, a timer) keeps the bench alive.
process.exit();
