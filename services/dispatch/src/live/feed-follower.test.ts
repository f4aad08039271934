import { AppendNotifier, createLogger, eventStoreMigrations, indexKeyOf, Keyring, migrate, PersonalData, PgEventStore } from '@rapid-search/events';
import { createTestDatabase, eventually, TEST_PERSONAL_DATA_KEK } from '@rapid-search/events/testing';
import pg from 'pg';
import t, { type Test as Tap } from 'tap';
import { projectionMigrations } from '../projections/migrations.js';
import { startTaskProjection, type CommittedBatch, type Delivery } from '../projections/task-projection.js';
import { loadDirectory } from '../seeds.js';
import { startFeedFollower } from './feed-follower.js';
import { assignTask, escalateTask, GUANDU_CC, KUNMING_CC } from './feed-fixtures.test-helper.js';

const logger = createLogger('test', 'silent');
const db = await createTestDatabase('feed_follower');
const pool = new pg.Pool({ connectionString: db.url, max: 10 });
await migrate(pool, 'dispatch', [...eventStoreMigrations('dispatch'), ...projectionMigrations]);
const store = new PgEventStore(pool, 'dispatch');
const kek = Buffer.from(TEST_PERSONAL_DATA_KEK, 'base64');
const personal = new PersonalData(new Keyring(pool, kek), indexKeyOf(kek));
const notifier = new AppendNotifier(db.url, 'dispatch', logger);
await notifier.start();
const directory = loadDirectory();
const centers = directory.centers().map((c) => c.id);
/** Where the projection's own batches go: nowhere, as on an instance that does not project, unless a test says. */
let offer: (batch: CommittedBatch) => void = () => undefined;
const project = () => startTaskProjection({ store, personal, notifier, directory, logger, onCommitted: (b) => offer(b) });
let projection = await project();
t.teardown(async () => {
  await projection.stop();
  await notifier.close();
  await pool.end();
  await db.drop();
});

/** Unless told otherwise it polls so rarely that whatever arrives was woken by a notice. */
async function follower(t: Tap, pollMs = 600_000) {
  const got: Delivery[] = [];
  const f = await startFeedFollower({ pool, schema: 'dispatch', connectionString: db.url, centers, logger, publish: (d) => got.push(...d), pollMs });
  t.teardown(() => f.stop());
  return { f, got };
}

const handedOn = (got: Delivery[]) => got.map((d) => ({ position: d.stored.position, centers: [...d.centers].sort() }));

/** The feed as the projection wrote it, after a position: what a follower must hand on. */
async function feedAfter(after: number): Promise<{ position: number; centers: string[] }[]> {
  const { rows } = await pool.query<{ position: string; centers: string[] }>(
    `SELECT position, array_agg(command_center_id ORDER BY command_center_id) AS centers
     FROM dispatch.console_feed WHERE position > $1 GROUP BY position ORDER BY position`,
    [after],
  );
  return rows.map((r) => ({ position: Number(r.position), centers: r.centers }));
}

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms).unref())]);

t.test(
  'given a follower on an instance that does not project, when tasks are assigned and escalated, then it hands on every event once, in order, to every center that sees it, woken by the projection',
  async (t) => {
    const { f, got } = await follower(t);
    const start = f.position();
    const first = await assignTask(store, GUANDU_CC);
    await assignTask(store, GUANDU_CC);
    const escalated = await escalateTask(store, first, GUANDU_CC, KUNMING_CC);
    const last = await assignTask(store, KUNMING_CC);
    await within(5000, f.caughtUp(last.position));
    t.same(handedOn(got), await feedAfter(start), 'exactly the feed, in position order');
    t.same(handedOn(got).find((d) => d.position === escalated)?.centers, [KUNMING_CC, GUANDU_CC].sort(), 'the escalation goes to both centers');
    t.equal(got[0]!.stored.type, 'SearchTaskAssigned', 'the events themselves, as consoles get them');
  },
);

t.test('given the projection offers its own batches, when they are also announced and polled for, then each event is handed on once', async (t) => {
  const { f, got } = await follower(t, 20);
  offer = f.offer;
  t.teardown(() => void (offer = () => undefined));
  const start = f.position();
  const tasks = await Promise.all(Array.from({ length: 40 }, (_, i) => assignTask(store, i % 2 ? GUANDU_CC : KUNMING_CC)));
  for (const task of tasks.slice(0, 10)) await escalateTask(store, task, GUANDU_CC, KUNMING_CC);
  const last = await assignTask(store, GUANDU_CC);
  await within(5000, f.caughtUp(last.position));
  t.same(handedOn(got), await feedAfter(start), 'every event once, in order, however it came');
});

t.test('given a follower, when a batch it has handed on already or one that starts past it is offered, then it hands on none of it', async (t) => {
  const { f, got } = await follower(t);
  const start = f.position();
  const task = await assignTask(store, GUANDU_CC);
  await within(5000, f.caughtUp(task.position));
  const [delivered] = got;
  f.offer({ after: start, upTo: task.position, deliveries: [delivered!] });
  t.equal(got.length, 1, 'a batch handed on already is dropped');
  const at = f.position();
  const ahead = { ...delivered!, stored: { ...delivered!.stored, position: at + 15 } };
  f.offer({ after: at + 10, upTo: at + 20, deliveries: [ahead] });
  t.equal(got.length, 1, 'a batch past a gap is refused');
  t.equal(f.position(), at, 'and claims nothing');
  const next = await assignTask(store, GUANDU_CC);
  await within(5000, f.caughtUp(next.position));
  t.same(handedOn(got), await feedAfter(start), 'what follows comes from the feed, nothing skipped');
});

t.test('given a follower whose read waits on the feed, when it is stopped meanwhile, then it stops as soon as the read returns', async (t) => {
  const lock = await pool.connect();
  let stopping: Promise<void>;
  try {
    // The follower reads as soon as it has started, and that read waits for this lock.
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE dispatch.console_feed IN ACCESS EXCLUSIVE MODE');
    const { f } = await follower(t);
    await eventually(async () => {
      const waiting = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [db.name]);
      if (waiting.rowCount === 0) throw new Error('no read waits on the feed yet');
    });
    stopping = f.stop();
  } finally {
    await lock.query('ROLLBACK');
    lock.release();
  }
  await within(5000, stopping);
  t.pass('stopped without waiting for its poll');
});

t.test(
  'given a follower whose listening connection is terminated, when tasks are assigned meanwhile, then it reads them once it is back',
  async (t) => {
    const { f, got } = await follower(t);
    const start = f.position();
    const { rows } = await pool.query<{ pid: number }>(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'rapid-search-dispatch_feed-listen'`,
      [db.name],
    );
    t.ok(rows.length > 0, 'its listener was terminated');
    const task = await assignTask(store, GUANDU_CC);
    await within(10_000, f.caughtUp(task.position));
    await eventually(async () => {
      const listening = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'rapid-search-dispatch_feed-listen'`,
        [db.name],
      );
      if (listening.rowCount === 0) throw new Error('not listening again');
    });
    const next = await assignTask(store, GUANDU_CC);
    await within(5000, f.caughtUp(next.position));
    t.same(handedOn(got), await feedAfter(start), 'nothing lost across the reconnect');
  },
);

t.test(
  'given the projection stopped and started again and again while tasks come, when each run offers its batches, then every event is handed on once',
  async (t) => {
    const { f, got } = await follower(t);
    offer = f.offer;
    t.teardown(() => void (offer = () => undefined));
    const start = f.position();
    let last = 0;
    for (let i = 0; i < 8; i++) {
      const appended = Promise.all(Array.from({ length: 10 }, () => assignTask(store, i % 2 ? GUANDU_CC : KUNMING_CC)));
      await projection.stop();
      projection = await project();
      last = Math.max(last, ...(await appended).map((task) => task.position));
    }
    await within(5000, projection.caughtUp(last));
    await within(5000, f.caughtUp(last));
    t.same(handedOn(got), await feedAfter(start), 'every event once, in order');
  },
);
