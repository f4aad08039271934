import { createTestDatabase, eventually, publishedEnvelope, requireKafka, testTopicPrefix } from '@rapid-search/events/testing';
import t from 'tap';
import { validateCap, wellFormed } from '../domain/cap/schema.test-helper.js';
import { sampleReport } from '../domain/fixtures.test-helper.js';
import { call, KEYS, publish, startService, TestClock } from './harness.js';

await requireKafka();
const db = await createTestDatabase('alert_public_cap');
const prefix = testTopicPrefix();
const clock = new TestClock();
const { service, base } = await startService({ databaseUrl: db.url, topicPrefix: prefix, clock, schedulerIntervalMs: 50 });
t.teardown(async () => {
  await service.close();
  await db.drop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
const capIds = (atom: string) => [...atom.matchAll(/type="application\/cap\+xml" href="[^"]*\/v1\/public\/cap\/(RS-[^"]+)"/g)].map((m) => m[1]!);
const feedFor = async (alertId: string, query = '') =>
  capIds(
    await (await get(`/v1/public/cap.atom${query}`, query.includes('Exercise') ? { authorization: `Bearer ${KEYS.kunming110}` } : {})).text(),
  ).filter((id) => id.includes(alertId));

const report = sampleReport(clock.now(), 20, { child: { name: '测试公开 Public Test', sex: 'male', ageYears: 6 } });
const opened = await call(base, 'POST', '/v1/alerts', { bearer: KEYS.kunming110, body: report, idempotencyKey: 'public-cap-1' });

t.test('given a new alert, when the public fetches the feed without a token, then it lists the alert’s CAP Alert', async (t) => {
  t.equal(opened.status, 201);
  const feed = await get('/v1/public/cap.atom');
  t.equal(feed.status, 200);
  t.match(feed.headers.get('content-type'), /^application\/atom\+xml/);
  t.match(feed.headers.get('cache-control'), /public/);
  const atom = await feed.text();
  t.doesNotThrow(() => wellFormed(atom), 'the feed is well-formed XML');
  t.same(await feedFor(opened.body.alertId), [`RS-${opened.body.alertId}-1`]);
  t.notOk(atom.includes(report.reporter.phone) || atom.includes(report.reporter.name), 'nothing of the reporter');
});

t.test('given the Alert, when its CAP document is fetched, then it validates and a cache can revalidate it', async (t) => {
  const doc = await get(`/v1/public/cap/RS-${opened.body.alertId}-1`);
  t.equal(doc.status, 200);
  t.match(doc.headers.get('content-type'), /^application\/cap\+xml/);
  t.match(doc.headers.get('cache-control'), /immutable/);
  const xml = await doc.text();
  t.doesNotThrow(() => validateCap(xml), 'valid against the OASIS CAP 1.2 schema');
  t.match(xml, /<msgType>Alert<\/msgType>/);
  t.match(xml, new RegExp(`<incidents>${opened.body.caseId}</incidents>`));
  const again = await get(`/v1/public/cap/RS-${opened.body.alertId}-1`, { 'if-none-match': doc.headers.get('etag')! });
  t.equal(again.status, 304);
});

t.test('given an hour since last seen, when the release widens, then an Update references the Alert, which is unchanged', async (t) => {
  const first = await (await get(`/v1/public/cap/RS-${opened.body.alertId}-1`)).text();
  clock.advance(45 * 60_000);
  const update = await eventually(async () => {
    const r = await get(`/v1/public/cap/RS-${opened.body.alertId}-2`);
    if (r.status !== 200) throw new Error('no Update yet');
    return r.text();
  }, 30000);
  t.doesNotThrow(() => validateCap(update));
  t.match(update, /<msgType>Update<\/msgType>/);
  const sent = /<sent>([^<]+)<\/sent>/.exec(first)![1];
  t.match(update, new RegExp(`<references>[^,<]+,RS-${opened.body.alertId}-1,${sent?.replace('+', '\\+')}</references>`));
  t.equal(await (await get(`/v1/public/cap/RS-${opened.body.alertId}-1`)).text(), first, 'the Alert never changes once issued');
  t.same(await feedFor(opened.body.alertId), [`RS-${opened.body.alertId}-2`], 'the feed shows the latest message');
});

t.test('given the child rescued, when the alert closes, then a Cancel says so and stays in the feed', async (t) => {
  const rescue = publishedEnvelope(
    {
      type: 'ChildRescued',
      data: { caseId: opened.body.caseId, foundAt: { lat: 25, lon: 103.6, regionCode: '530322' }, rescuedAt: new Date().toISOString() },
    },
    opened.body.caseId,
    {
      streamVersion: 2,
      metadata: { actor: { id: 'officer-1', role: 'officer' }, correlationId: opened.body.caseId, causationId: null },
    },
  );
  await publish(`${prefix}ledger.events.v1`, [{ key: opened.body.caseId, value: rescue }]);
  const cancelId = await eventually(async () => {
    const [latest] = await feedFor(opened.body.alertId);
    const xml = await (await get(`/v1/public/cap/${latest}`)).text();
    if (!xml.includes('<msgType>Cancel</msgType>')) throw new Error('no Cancel yet');
    return latest!;
  }, 30000);
  const cancel = await (await get(`/v1/public/cap/${cancelId}`)).text();
  t.doesNotThrow(() => validateCap(cancel));
  t.match(cancel, /has been found/);
  t.same(await feedFor(opened.body.alertId, '?status=Exercise'), [], 'a real alert is never in the drills’ feed');
});

t.test('given identifiers never issued, when fetched, then 404 for a well-formed one and 400 naming the field otherwise', async (t) => {
  t.equal((await get(`/v1/public/cap/RS-${opened.body.alertId}-99`)).status, 404);
  t.equal((await get('/v1/public/cap/RS-nobody-1')).status, 404);
  const bad = await get('/v1/public/cap/..%2Fetc');
  t.equal(bad.status, 400);
  t.match(await bad.text(), /identifier/);
  t.equal((await get('/v1/public/cap.atom?status=Test')).status, 400);
});
