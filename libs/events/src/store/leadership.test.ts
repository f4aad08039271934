import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { newId } from '../ids.js';
import { createTestDatabase, eventually } from '../testing/index.js';
import { lead, type Leadership } from './leadership.js';
import { quiet } from './test-fixtures.js';

const db = await createTestDatabase('leadership');
const admin = new pg.Pool({ connectionString: db.url, max: 2 });
t.teardown(async () => {
  await admin.end();
  await db.drop();
});

/** Contenders for one singleton, each counting the work it has running. */
function contenders(count: number, options: { retryMs?: number; failFirstRuns?: number } = {}) {
  const name = `test:${newId().slice(0, 8)}`;
  const running = Array.from({ length: count }, () => 0);
  const starts = Array.from({ length: count }, () => 0);
  let failuresLeft = options.failFirstRuns ?? 0;
  const all: Leadership[] = running.map((_, i) =>
    lead({
      connectionString: db.url,
      name,
      logger: quiet,
      ...(options.retryMs ? { retryMs: options.retryMs } : {}),
      run: async () => {
        starts[i]! += 1;
        if (failuresLeft-- > 0) throw new Error('refusing to start');
        running[i]! += 1;
        return { stop: async () => void (running[i]! -= 1) };
      },
    }),
  );
  return {
    name,
    all,
    running,
    starts,
    leaders: () => all.filter((l) => l.isLeader()),
    /** Waits for exactly one leader whose work runs, and no other work running. */
    settled: (timeoutMs = 10_000) =>
      eventually(async () => {
        const leaders = all.filter((l) => l.isLeader());
        if (leaders.length !== 1) throw new Error(`${leaders.length} leaders`);
        const i = all.indexOf(leaders[0]!);
        if (running[i] !== 1 || running.reduce((a, b) => a + b, 0) !== 1) throw new Error(`running ${running.join(',')}`);
        return i;
      }, timeoutMs),
    stop: () => Promise.all(all.map((l) => l.stop())),
  };
}

/** The backend that holds the advisory lock in the test database. */
async function holderPid(): Promise<number> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
     WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
    [db.name],
  );
  if (rows.length !== 1) throw new Error(`${rows.length} advisory locks held`);
  return rows[0]!.pid;
}

async function sessions(name: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [
    db.name,
    `rapid-search-lead:${name}`,
  ]);
  return Number(rows[0]!.n);
}

t.test('given two contenders on one lock, when both start, then exactly one runs the work', async (t) => {
  const c = contenders(2);
  t.teardown(c.stop);
  const leader = await c.settled();
  await new Promise((r) => setTimeout(r, 2500));
  t.equal(await c.settled(), leader, 'the same one still leads after the other has retried');
  t.equal(c.starts[1 - leader], 0, 'the other never started the work');
  t.equal(await sessions(c.name), 2, 'one session each');
});

t.test('given a holder, when its backend is terminated, then it stops its work and the other takes over within a few seconds', async (t) => {
  const c = contenders(2);
  t.teardown(c.stop);
  const first = await c.settled();
  const terminatedAt = Date.now();
  await admin.query('SELECT pg_terminate_backend($1)', [await holderPid()]);
  await eventually(
    async () => {
      if (c.running[first] !== 0 || c.all[first]!.isLeader()) throw new Error('the first still runs');
    },
    2000,
    10,
  );
  t.pass('the first stopped its work as soon as its session went');
  const second = await c.settled(5000);
  t.equal(second, 1 - first, 'the other leads');
  t.ok(Date.now() - terminatedAt < 5000, `took over in ${Date.now() - terminatedAt} ms`);
  await eventually(async () => {
    if ((await sessions(c.name)) !== 2) throw new Error('the first has not reconnected');
  });
  t.equal(await c.settled(), second, 'the first came back as a contender, not as a second leader');
});

t.test(
  'given a holder in another process, when that process is killed with SIGKILL, then the contender here takes over within a few seconds',
  async (t) => {
    const name = `test:${newId().slice(0, 8)}`;
    const child = fork(fileURLToPath(new URL('../testing/lead-process.js', import.meta.url)), [db.url, name], { stdio: 'inherit' });
    t.teardown(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    let running = 0;
    const here = lead({
      connectionString: db.url,
      name,
      logger: quiet,
      run: async () => ((running += 1), { stop: async () => void (running -= 1) }),
    });
    t.teardown(() => here.stop());
    await new Promise((r) => setTimeout(r, 1500));
    t.notOk(here.isLeader(), 'it stands by while the other process leads');
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await eventually(
      async () => {
        if (!here.isLeader() || running !== 1) throw new Error('not leading yet');
      },
      5000,
      10,
    );
    t.ok(Date.now() - killedAt < 3000, `took over in ${Date.now() - killedAt} ms`);
  },
);

t.test('given a holder, when stop() is called on it, then its work stops, its session ends and the other takes over', async (t) => {
  const c = contenders(2);
  t.teardown(c.stop);
  const first = await c.settled();
  await c.all[first]!.stop();
  t.equal(c.running[first], 0, 'its work was stopped before stop() returned');
  t.notOk(c.all[first]!.isLeader(), 'it no longer leads');
  t.equal(await c.settled(5000), 1 - first, 'the other leads');
  t.equal(await sessions(c.name), 1, 'the stopped one left no session behind');
  await c.all[first]!.stop();
  t.pass('a second stop() is harmless');
});

t.test('given a run() that fails, when it throws, then the lock is released and the work starts on a later try', async (t) => {
  const c = contenders(2, { retryMs: 100, failFirstRuns: 3 });
  t.teardown(c.stop);
  await c.settled();
  t.equal(
    c.starts.reduce((a, b) => a + b, 0),
    4,
    'three failed starts, each releasing the lock, then one that runs',
  );
});

t.test(
  'given two contenders, when the holder is terminated twenty times in a row, then exactly one session per contender is left and one leads',
  async (t) => {
    const c = contenders(2, { retryMs: 100 });
    t.teardown(c.stop);
    let terminated = 0;
    for (let i = 0; i < 20; i++) {
      const pid = await eventually(async () => {
        await c.settled();
        const pid = await holderPid();
        if (pid === terminated) throw new Error('the terminated holder is still seen as holding');
        return pid;
      }, 15_000);
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      terminated = pid;
    }
    await c.settled(15_000);
    await eventually(async () => {
      const n = await sessions(c.name);
      if (n !== 2) throw new Error(`${n} sessions`);
    }, 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    t.equal(await sessions(c.name), 2, 'one session per contender, none leaked');
    await c.settled();
    t.pass('exactly one leads and only its work runs');
  },
);
