import { createLogger, loadConfig } from '@rapid-search/events';
import { eventually } from '@rapid-search/events/testing';
import pg from 'pg';
import t from 'tap';
import { DispatchConfig } from '../config.js';
import { assignTask, escalateTask, GUANDU_CC, KUNMING_CC } from '../live/feed-fixtures.test-helper.js';
import { startDispatchService, type DispatchService } from '../service.js';
import { startHarness, TestConsole } from './harness.js';

const h = await startHarness('dispatch_two');
const second = await startDispatchService({ config: loadConfig(DispatchConfig, h.env), logger: createLogger('dispatch-two', 'warn') });
await second.app.listen({ port: 0, host: '127.0.0.1' });
const instances = [h.service, second];
const admin = new pg.Pool({ connectionString: h.db.url, max: 2 });
t.teardown(async () => {
  await second.close();
  await admin.end();
  await h.close();
});

const wsUrl = (s: DispatchService) => `ws://127.0.0.1:${(s.app.server.address() as { port: number }).port}/v1/consoles`;
const leads = async (s: DispatchService) => (await s.runtime.readiness()).checks['task-projection'] === 'ok';

/** The one instance whose projection runs, and the backend of its lock session. */
async function projectionLeader(): Promise<{ leader: DispatchService; pid: number }> {
  return eventually(async () => {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
       WHERE a.datname = $1 AND a.application_name = 'rapid-search-lead:dispatch:task-projection'`,
      [h.db.name],
    );
    const leading = await Promise.all(instances.map(leads));
    if (rows.length !== 1 || leading.filter(Boolean).length !== 1)
      throw new Error(`${rows.length} holders, ${leading.filter(Boolean).length} leading`);
    return { leader: instances[leading.indexOf(true)]!, pid: rows[0]!.pid };
  }, 15_000);
}

/** What a console of the center must have had after a position: the feed the projection wrote. */
async function feedOf(center: string, after: number): Promise<number[]> {
  const { rows } = await admin.query<{ position: string }>(
    'SELECT position FROM dispatch.console_feed WHERE command_center_id = $1 AND position > $2 ORDER BY position',
    [center, after],
  );
  return rows.map((r) => Number(r.position));
}

async function openAt(s: DispatchService, center: string, query?: string): Promise<TestConsole> {
  const c = await TestConsole.open(wsUrl(s), await h.token('console', center), query ? { query } : {});
  if (!query) await c.waitFor(() => c.messages.some((m) => m.type === 'snapshot'));
  return c;
}

const snapshotOf = (c: TestConsole) => c.messages.find((m) => m.type === 'snapshot')!.position as number;
const positions = (c: TestConsole) => c.events().map((e) => e.position);

/** A few tasks at once for both centers, one of them escalated: deliveries to one center and to two. */
async function round(s: DispatchService): Promise<number> {
  const { store } = s.runtime;
  const tasks = await Promise.all([GUANDU_CC, GUANDU_CC, KUNMING_CC, GUANDU_CC].map((center) => assignTask(store, center)));
  return escalateTask(store, tasks[0]!, GUANDU_CC, KUNMING_CC);
}

t.test(
  'given two dispatch instances, when the projection leader loses its lock session while tasks keep coming, then consoles on both get every event of their center once and in order, and a console moved to the other instance resumes with no gap and no duplicate',
  async (t) => {
    const { leader, pid } = await projectionLeader();
    const other = instances.find((s) => s !== leader)!;
    const watching = [
      { center: GUANDU_CC, console: await openAt(leader, GUANDU_CC) },
      { center: GUANDU_CC, console: await openAt(other, GUANDU_CC) },
      { center: KUNMING_CC, console: await openAt(other, KUNMING_CC) },
      { center: KUNMING_CC, console: await openAt(leader, KUNMING_CC) },
    ];
    const moving = await openAt(leader, GUANDU_CC);
    const pause = () => new Promise((r) => setTimeout(r, 30));

    for (let i = 0; i < 10; i++) await round(instances[i % 2]!).then(pause);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    for (let i = 0; i < 10; i++) await round(instances[i % 2]!).then(pause);
    const before = positions(moving);
    moving.close();
    await moving.waitFor(() => moving.closed);
    const from = before[before.length - 1] ?? snapshotOf(moving);
    const moved = await openAt(other, GUANDU_CC, `fromPosition=${from}`);
    for (let i = 0; i < 10; i++) await round(instances[i % 2]!).then(pause);

    const after = await projectionLeader();
    t.equal(after.leader, other, 'the other instance took over the projection');
    t.not(after.pid, pid, 'on a session of its own');
    const last = await round(leader);
    await Promise.all(instances.map((s) => s.projection.caughtUp(last)));

    for (const { center, console: c } of watching) {
      const expected = await feedOf(center, snapshotOf(c));
      await c.waitFor(() => positions(c).length >= expected.length);
      t.same(positions(c), expected, `${center}: every event once, in order, across the switch-over`);
    }
    const expected = await feedOf(GUANDU_CC, snapshotOf(moving));
    await moved.waitFor(() => before.length + positions(moved).length >= expected.length);
    t.same([...before, ...positions(moved)], expected, 'the moved console: no gap and no duplicate between the two instances');
    t.ok(expected.length > 60, `${expected.length} events reached the moved console`);
    await new Promise((r) => setTimeout(r, 300));
    t.same(
      watching.map(({ console: c }) => c.events().length),
      await Promise.all(watching.map(({ center, console: c }) => feedOf(center, snapshotOf(c)).then((f) => f.length))),
      'and nothing after',
    );
    for (const { console: c } of watching) c.close();
    moved.close();
  },
);
