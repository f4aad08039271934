import { newId } from '@rapid-search/events';
import pg from 'pg';
import t from 'tap';
import { quickSearch, startHarness } from './harness.js';

const h = await startHarness('dispatch_backend_faults');
const admin = new pg.Pool({ connectionString: h.db.url, max: 1, application_name: 'backend-faults-admin' });
t.teardown(async () => {
  await admin.end();
  await h.close();
});

/** The service's sessions: everything on its database but this test's own. */
const sessions = async (): Promise<number> =>
  Number(
    (
      await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'rapid-search%'`, [
        h.db.name,
      ])
    ).rows[0]!.n,
  );
const terminateAll = () =>
  admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'rapid-search%'`, [h.db.name]);
const POOL_SIZE = 20;
/** The append notifier, the console feed's listener, and one session per singleton it may lead. */
const LISTENERS = 2 + 3;

t.test('given dispatch under a trickle of work, when its backends are terminated 20 times in a row, then it stays up and serves again', async (t) => {
  const token = await h.token('console', 'cc-kunming-guandu');
  const tasks = () => fetch(`${h.baseUrl}/v1/tasks?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  for (let i = 0; i < 20; i++) {
    const caseId = `case-${newId()}`;
    await h.publish('alert', quickSearch(caseId, 3), caseId);
    await terminateAll();
    await new Promise((r) => setTimeout(r, 150));
  }
  let answered = false;
  for (let attempt = 0; attempt < 50 && !answered; attempt++) {
    answered = (await tasks()).status === 200;
    if (!answered) await new Promise((r) => setTimeout(r, 200));
  }
  t.ok(answered, 'the next requests succeed');
  t.equal((await fetch(`${h.baseUrl}/healthz`)).status, 200, 'the process is alive');
  await new Promise((r) => setTimeout(r, 3000));
  const open = await sessions();
  t.ok(open <= POOL_SIZE + LISTENERS, `its sessions (${open}) are back within its pool and listeners, nothing leaked`);
  const ready = await (await fetch(`${h.baseUrl}/readyz`)).json();
  t.equal((ready as { ready: boolean }).ready, true);
  const caseId = `case-${newId()}`;
  await h.publish('alert', quickSearch(caseId, 3), caseId);
  let assigned = false;
  for (let attempt = 0; attempt < 100 && !assigned; attempt++) {
    assigned = h.published.some((e) => e.caseId === caseId && e.type === 'InterceptionTasksAssigned');
    if (!assigned) await new Promise((r) => setTimeout(r, 200));
  }
  t.ok(assigned, 'an alert after the faults still turns into tasks on the topic');
});
