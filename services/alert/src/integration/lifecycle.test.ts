import { createTestDatabase, eventually, publishedEnvelope, requireKafka, testTopicPrefix } from '@rapid-search/events/testing';
import pg from 'pg';
import t from 'tap';
import { sampleReport } from '../domain/fixtures.test-helper.js';
import { call, collectTopic, KEYS, publish, startService, TestClock, token, type RunningService } from './harness.js';

const MINUTE = 60_000;

await requireKafka();
const db = await createTestDatabase('alert_lifecycle');
const prefix = testTopicPrefix();
const clock = new TestClock();
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
const officer = await token({ sub: 'officer-1', role: 'officer' });
let running: RunningService[] = [await startService({ databaseUrl: db.url, topicPrefix: prefix, clock, schedulerIntervalMs: 50 })];
const alertTopic = await collectTopic(`${prefix}alert.events.v1`);

t.teardown(async () => {
  await alertTopic.stop();
  for (const r of running) await r.service.close();
  await pool.end();
  await db.drop();
});

let serial = 0;
async function report(minutesAgo: number): Promise<{ alertId: string; caseId: string }> {
  serial += 1;
  const body = sampleReport(clock.now(), minutesAgo);
  const answer = await call(running[0]!.base, 'POST', '/v1/alerts', {
    bearer: KEYS.kunming110,
    idempotencyKey: `lifecycle-${serial}`,
    body: { ...body, child: { ...body.child, name: `Lifecycle Child ${serial}` } },
  });
  if (answer.status !== 201) throw new Error(`report refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function widenings(alertId: string): Promise<[number, number][]> {
  const { rows } = await pool.query(
    `SELECT data FROM alert.events WHERE stream_id = $1 AND type = 'PublicReleaseRadiusWidened' ORDER BY stream_version`,
    [`alert-${alertId}`],
  );
  return rows.map((r) => [r.data.fromKm, r.data.toKm]);
}

const radius = async (alertId: string): Promise<number> =>
  (await call(running[0]!.base, 'GET', `/v1/alerts/${alertId}`, { bearer: officer })).body.radiusKm;

/** Lets the scheduler run a few more ticks, to show that nothing else happens. */
const settle = () => new Promise((r) => setTimeout(r, 400));

t.test('the release widens as the clock passes each hour since last seen', async (t) => {
  const alert = await report(30);
  await settle();
  t.same(await widenings(alert.alertId), [], 'nothing due in the first hour');
  t.equal(await radius(alert.alertId), 100);

  clock.advance(31 * MINUTE);
  await eventually(async () => ((await radius(alert.alertId)) === 200 ? undefined : Promise.reject(new Error('not yet 200'))), 30000);
  t.same(await widenings(alert.alertId), [[100, 200]]);

  clock.advance(150 * MINUTE);
  await eventually(async () => ((await radius(alert.alertId)) === 500 ? undefined : Promise.reject(new Error('not yet 500'))), 30000);
  t.same(
    await widenings(alert.alertId),
    [
      [100, 200],
      [200, 300],
      [300, 500],
    ],
    'overdue steps come one by one',
  );
  await settle();
  t.same((await widenings(alert.alertId)).length, 3, 'and never beyond 500 km');

  const published = await eventually(async () => {
    const mine = alertTopic.messages().filter((m) => m.value.caseId === alert.caseId && m.value.type === 'PublicReleaseRadiusWidened');
    if (mine.length < 3) throw new Error('not all widenings published yet');
    return mine;
  }, 60000);
  t.same(
    published.map((m) => m.value.data.toKm),
    [200, 300, 500],
  );
  t.match(published[0]!.value.data, { center: { lat: 24.96, lon: 102.76, regionCode: '530111' } });
});

t.test('two service instances on one store never widen twice', async (t) => {
  running.push(await startService({ databaseUrl: db.url, topicPrefix: prefix, clock, schedulerIntervalMs: 10 }));
  const alerts = await Promise.all([report(50), report(55), report(59)]);
  clock.advance(11 * MINUTE);
  await eventually(async () => {
    for (const a of alerts) if ((await radius(a.alertId)) !== 200) throw new Error('not widened yet');
  }, 30000);
  await settle();
  for (const a of alerts) t.same(await widenings(a.alertId), [[100, 200]], 'exactly one widening');
});

t.test('after a restart, widenings that fell due while down are caught up from the stored events', async (t) => {
  const alert = await report(10);
  for (const r of running) await r.service.close();
  running = [];
  clock.advance(125 * MINUTE);
  running = [await startService({ databaseUrl: db.url, topicPrefix: prefix, clock, schedulerIntervalMs: 50 })];
  await eventually(async () => ((await radius(alert.alertId)) === 300 ? undefined : Promise.reject(new Error('not yet 300'))), 30000);
  t.same(await widenings(alert.alertId), [
    [100, 200],
    [200, 300],
  ]);
});

t.test('the case-closing events on ledger.events.v1 close the alert, once, and widening stops', async (t) => {
  const rescued = await report(20);
  const returned = await report(20);
  const ledgerEvent = (type: string, caseId: string, data: Record<string, unknown>) =>
    publishedEnvelope({ type, data: { caseId, ...data } }, caseId, {
      streamVersion: 2,
      metadata: { actor: { id: 'officer-1', role: 'officer' }, correlationId: caseId, causationId: null },
    });
  const rescue = ledgerEvent('ChildRescued', rescued.caseId, {
    foundAt: { lat: 25.0, lon: 103.6, regionCode: '530322' },
    rescuedAt: new Date().toISOString(),
  });
  const unrelated = ledgerEvent('CaseSolved', returned.caseId, { summary: 'solved', solvedAt: new Date().toISOString() });
  const home = ledgerEvent('ChildReturnedToParents', returned.caseId, { returnedAt: new Date().toISOString() });
  await publish(`${prefix}ledger.events.v1`, [
    { key: rescued.caseId, value: rescue },
    { key: rescued.caseId, value: rescue },
    { key: returned.caseId, value: unrelated },
    { key: returned.caseId, value: home },
  ]);

  const closedTypes = async (alertId: string) =>
    (await pool.query(`SELECT data FROM alert.events WHERE stream_id = $1 AND type = 'AlertClosed'`, [`alert-${alertId}`])).rows.map(
      (r) => r.data.reason,
    );
  await eventually(async () => {
    if ((await closedTypes(rescued.alertId)).length === 0 || (await closedTypes(returned.alertId)).length === 0) throw new Error('not closed yet');
  }, 60000);
  t.same(await closedTypes(rescued.alertId), ['ChildRescued'], 'closed once although the message came twice');
  t.same(await closedTypes(returned.alertId), ['ChildReturnedToParents'], 'CaseSolved alone closes nothing');
  const state = await call(running[0]!.base, 'GET', `/v1/alerts/${rescued.alertId}`, { bearer: officer });
  t.match(state.body, { status: 'closed', closeReason: 'ChildRescued', nextWideningAt: null });

  clock.advance(4 * 60 * MINUTE);
  await settle();
  t.same(await widenings(rescued.alertId), [], 'a closed alert never widens');
  t.same(await widenings(returned.alertId), []);
});
