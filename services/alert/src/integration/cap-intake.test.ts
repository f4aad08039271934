import { createTestDatabase, eventually, publishedEnvelope, requireKafka, testTopicPrefix } from '@rapid-search/events/testing';
import pg from 'pg';
import t, { type Test } from 'tap';
import { capCancelXml, capReportXml, type CapInFixture } from '../domain/cap/intake-fixtures.test-helper.js';
import { capTime } from '../domain/cap/time.js';
import { call, freshReport, KEYS, postReport, publish, startService, TestClock, token } from './harness.js';

const MINUTE = 60_000;

await requireKafka();
const db = await createTestDatabase('alert_cap_intake');
const prefix = testTopicPrefix();
const clock = new TestClock();
const { service, base } = await startService({ databaseUrl: db.url, topicPrefix: prefix, clock, schedulerIntervalMs: 50 });
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
const officer = await token({ sub: 'officer-kunming-li', role: 'officer', officerId: 'officer-kunming-li' });

t.teardown(async () => {
  await service.close();
  await pool.end();
  await db.drop();
});

let serial = 0;
/** A CAP report of a child no other report here names, sent a minute ago, last seen 20 minutes ago, by the test's clock. */
function capReport(f: CapInFixture = {}): { xml: string; identifier: string; sent: string } {
  serial += 1;
  const identifier = f.identifier ?? `KM110-CAP-${serial}`;
  const sent = f.sent ?? capTime(new Date(clock.now().getTime() - MINUTE).toISOString());
  const onset = capTime(new Date(clock.now().getTime() - 20 * MINUTE).toISOString());
  const xml = capReportXml({ onset, ...f, identifier, sent, parameters: { childName: `CAP 测试 ${serial}`, ...f.parameters } });
  return { xml, identifier, sent };
}

const postCap = (xml: string, options: { bearer?: string; idempotencyKey?: string; contentType?: string } = {}) =>
  call(base, 'POST', '/v1/alerts', {
    bearer: options.bearer ?? KEYS.kunming110,
    rawBody: xml,
    contentType: options.contentType ?? 'application/cap+xml',
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
const cancelOf = (sent: { identifier: string; sent: string }, f: CapInFixture = {}) =>
  capCancelXml({
    identifier: `${sent.identifier}-cancel`,
    sent: capTime(clock.now().toISOString()),
    references: `up-kunming-110,${sent.identifier},${sent.sent}`,
    ...f,
  });

/** A drill's messages are for its participants: the drills' feed and documents are read with the reporting system's key. */
const participant = { authorization: `Bearer ${KEYS.kunming110}` };
const feed = async (alertId: string, query = '') => {
  const atom = await (await fetch(`${base}/v1/public/cap.atom${query}`, query.includes('Exercise') ? { headers: participant } : {})).text();
  return [...atom.matchAll(/type="application\/cap\+xml" href="[^"]*\/v1\/public\/cap\/(RS-[^"]+)"/g)]
    .map((m) => m[1]!)
    .filter((id) => id.includes(alertId));
};
const capDocument = async (identifier: string) => (await fetch(`${base}/v1/public/cap/${identifier}`, { headers: participant })).text();
const eventsOf = async (alertId: string) =>
  (
    await pool.query<{ type: string; metadata: { exercise?: boolean } }>(
      `SELECT type, metadata FROM alert.events WHERE stream_id = $1 OR data->>'alertId' = $2 ORDER BY position`,
      [`alert-${alertId}`, alertId],
    )
  ).rows;

t.test('given a CAP Alert from an upstream system, when posted, then it opens an alert like a JSON report', async (t) => {
  const report = capReport({ resources: [{ mimeType: 'image/jpeg', uri: 'https://photos.example.cn/cap.jpg' }] });
  const opened = await postCap(report.xml, { contentType: 'application/cap+xml; charset=utf-8' });
  t.equal(opened.status, 201);
  t.match(opened.body, { alertId: String, caseId: String, status: 'open' });
  const state = await call(base, 'GET', `/v1/alerts/${opened.body.alertId}`, { bearer: officer });
  t.match(state.body, {
    source: '110',
    upstreamSystemId: 'up-kunming-110',
    child: { sex: 'female', ageYears: 4, photoUrl: 'https://photos.example.cn/cap.jpg' },
    lastSeen: { lat: 24.96, lon: 102.76, regionCode: '530102', address: '翠湖公园南门' },
    reporter: { name: '刘芳', phone: '13812345678', relation: 'mother' },
  });
  t.notOk('exercise' in state.body, 'a real alert is no drill');

  t.test('given the same identifier again, when posted, then the same answer and nothing written', async (t) => {
    const before = (await eventsOf(opened.body.alertId)).length;
    const again = await postCap(report.xml, { contentType: 'application/xml' });
    t.equal(again.status, 200);
    t.same(again.body, opened.body);
    t.equal((await eventsOf(opened.body.alertId)).length, before);
  });

  t.test('given its Cancel, when posted, then the alert closes as withdrawn and the feed shows the Cancel', async (t) => {
    const withdrawn = await postCap(cancelOf(report));
    t.equal(withdrawn.status, 200);
    t.same(withdrawn.body, { alertId: opened.body.alertId, caseId: opened.body.caseId, status: 'closed' });
    const closed = await call(base, 'GET', `/v1/alerts/${opened.body.alertId}`, { bearer: officer });
    t.match(closed.body, { status: 'closed', closeReason: 'withdrawn', nextWideningAt: null });
    const ids = await feed(opened.body.alertId);
    t.same(ids, [`RS-${opened.body.alertId}-2`], 'the latest message of the alert is its second');
    const cancel = await capDocument(ids[0]!);
    t.match(cancel, /<msgType>Cancel<\/msgType>/);
    t.match(cancel, /虚假报告，已撤回/);
    t.match(cancel, /was false and has been withdrawn/);
    const again = await postCap(cancelOf(report));
    t.same(again.body, withdrawn.body, 'a repeated Cancel answers alike');
    t.same((await eventsOf(opened.body.alertId)).filter((e) => e.type === 'AlertClosed').length, 1, 'closed once');
  });
});

t.test('given a CAP Alert naming another sender than the caller, when posted, then 403', async (t) => {
  const answer = await postCap(capReport({ sender: 'up-somewhere-else' }).xml);
  t.equal(answer.status, 403);
  t.equal(answer.body.error.code, 'FORBIDDEN');
});

t.test('given a Cancel of a report the caller never sent, when posted, then 404', async (t) => {
  const report = capReport();
  t.equal((await postCap(report.xml)).status, 201);
  const byOther = await postCap(
    cancelOf(report, { sender: 'up-kunming-childrens-hospital', references: `up-kunming-childrens-hospital,${report.identifier},${report.sent}` }),
    {
      bearer: KEYS.hospital,
    },
  );
  t.equal(byOther.status, 404, 'another system cannot withdraw it: its own reports have no such identifier');
  const unknown = await postCap(cancelOf({ identifier: 'KM110-NEVER-SENT', sent: report.sent }));
  t.equal(unknown.status, 404);
  t.equal(unknown.body.error.code, 'NOT_FOUND');
});

t.test('given hostile or foreign documents, when posted, then 400, 413 or 422 and nothing opens', async (t) => {
  const report = capReport();
  const doctype = await postCap(report.xml.replace('<alert', '<!DOCTYPE alert [<!ENTITY x "y">]>\n<alert'));
  t.match(doctype, { status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  t.match(await postCap(capReport({ namespace: 'urn:example:not-cap' }).xml), { status: 400 });
  t.match(await postCap(capReport({ msgType: 'Update' }).xml), { status: 422, body: { error: { code: 'CAP_MSG_TYPE_NOT_TAKEN' } } });
  const missing = await postCap(capReport({ parameters: { reporterPhone: undefined } }).xml);
  t.match(missing, { status: 400, body: { error: { details: { issues: [{ path: 'info/parameter[reporterPhone]' }] } } } });
  const badPhone = await postCap(capReport({ parameters: { reporterPhone: '12' } }).xml);
  t.match(
    badPhone,
    { status: 400, body: { error: { details: { issues: [{ path: 'body.reporter.phone' }] } } } },
    'the JSON validation, by the report field',
  );
  const big = await postCap(report.xml.replace('</alert>', `<note>${'x'.repeat(70 * 1024)}</note></alert>`));
  t.equal(big.status, 413);
  t.equal((await call(base, 'POST', '/v1/alerts', { bearer: KEYS.kunming110, rawBody: report.xml, contentType: 'text/xml' })).status, 415);
});

/** Every stored event of a drill, its tips included, marked as the drill's in its envelope. */
async function everyEventADrill(t: Test, alertId: string, types: string[]): Promise<void> {
  const events = await eventsOf(alertId);
  t.same([...new Set(events.map((e) => e.type))].sort(), [...types].sort());
  t.ok(
    events.every((e) => e.metadata.exercise === true),
    'metadata.exercise on every event',
  );
}

t.test(
  'given a drill by CAP status Exercise, when it runs to its withdrawal, then every event is a drill’s and only the drill feed shows it',
  async (t) => {
    const report = capReport({ status: 'Exercise' });
    const opened = await postCap(report.xml);
    t.equal(opened.status, 201);
    t.match((await call(base, 'GET', `/v1/alerts/${opened.body.alertId}`, { bearer: officer })).body, { exercise: true });
    const tipBody = { seenAt: clock.now().toISOString(), lat: 24.97, lon: 102.75, description: '演练线索' };
    const publicTip = await call(base, 'POST', `/v1/public/alerts/${opened.body.alertId}/tips`, { body: tipBody });
    t.equal(publicTip.status, 404, 'to the public a drill does not exist');
    const tip = await call(base, 'POST', `/v1/public/alerts/${opened.body.alertId}/tips`, { body: tipBody, bearer: KEYS.kunming110 });
    t.equal(tip.status, 201, 'a participant relays its tip');
    clock.advance(45 * MINUTE);
    await eventually(async () => {
      if (!(await eventsOf(opened.body.alertId)).some((e) => e.type === 'PublicReleaseRadiusWidened')) throw new Error('not widened yet');
    }, 30000);
    t.equal((await postCap(cancelOf(report))).status, 200);
    await everyEventADrill(t, opened.body.alertId, [
      'MissingChildReported',
      'CaseOpened',
      'QuickSearchActivated',
      'TipReceived',
      'PublicReleaseRadiusWidened',
      'AlertClosed',
    ]);
    t.same(await feed(opened.body.alertId), [], 'never in the public feed');
    t.same(await feed(opened.body.alertId, '?status=Exercise'), [`RS-${opened.body.alertId}-3`]);
    t.match(await capDocument(`RS-${opened.body.alertId}-3`), /<status>Exercise<\/status>[\s\S]*<msgType>Cancel<\/msgType>/);
    t.equal((await fetch(`${base}/v1/public/cap.atom?status=Exercise`)).status, 401, 'the drills’ feed asks the public for credentials');
    t.equal((await fetch(`${base}/v1/public/cap/RS-${opened.body.alertId}-3`)).status, 404, 'to the public a drill does not exist');
  },
);

t.test('given a JSON drill and a real report of the same child, when both are posted, then neither joins the other', async (t) => {
  const real = freshReport();
  const drill = await postReport(base, { ...real, exercise: true }, `drill-json-${serial}`);
  const actual = await postReport(base, real, `real-json-${serial}`);
  t.equal(drill.status, 201);
  t.equal(actual.status, 201, 'the real report opens its own alert');
  t.not(actual.body.alertId, drill.body.alertId);
  const listed = await call(base, 'GET', '/v1/alerts?limit=5', { bearer: officer });
  t.match(
    listed.body.alerts.find((a: { alertId: string }) => a.alertId === drill.body.alertId),
    { exercise: true },
  );

  t.test('given the drill widened and its child found, when the ledger says so, then its AlertClosed is a drill’s too', async (t) => {
    // Last seen 30 minutes before the wall clock, which the service's clock is 45 minutes ahead of: one widening is due.
    await eventually(async () => {
      if (!(await eventsOf(drill.body.alertId)).some((e) => e.type === 'PublicReleaseRadiusWidened')) throw new Error('not widened yet');
    }, 30000);
    const rescued = publishedEnvelope(
      {
        type: 'ChildRescued',
        data: { caseId: drill.body.caseId, foundAt: { lat: 25, lon: 103.6, regionCode: '530322' }, rescuedAt: new Date().toISOString() },
      },
      drill.body.caseId,
      {
        streamVersion: 2,
        metadata: { actor: { id: 'officer-1', role: 'officer' }, correlationId: drill.body.caseId, causationId: null, exercise: true },
      },
    );
    await publish(`${prefix}ledger.events.v1`, [{ key: drill.body.caseId, value: rescued }]);
    await eventually(async () => {
      if (!(await eventsOf(drill.body.alertId)).some((e) => e.type === 'AlertClosed')) throw new Error('not closed yet');
    }, 60000);
    await everyEventADrill(t, drill.body.alertId, [
      'MissingChildReported',
      'CaseOpened',
      'QuickSearchActivated',
      'PublicReleaseRadiusWidened',
      'AlertClosed',
    ]);
    t.same(await feed(drill.body.alertId), []);
    t.same(await feed(drill.body.alertId, '?status=Exercise'), [`RS-${drill.body.alertId}-3`]);
    t.same(await feed(actual.body.alertId, '?status=Exercise'), [], 'the real alert is no drill');
  });
});
