import { createTestDatabase, eventually, requireKafka, testTopicPrefix } from '@rapid-search/events/testing';
import { readSeed } from '@rapid-search/events';
import pg from 'pg';
import t from 'tap';
import { z } from 'zod';
import { call, freshReport, postReport, capturingLogger, collectTopic, KEYS, startService, token } from './harness.js';

await requireKafka();
const db = await createTestDatabase('alert_intake');
const prefix = testTopicPrefix();
const logs = capturingLogger();
const { service, base } = await startService({ databaseUrl: db.url, topicPrefix: prefix, logger: logs.logger });
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
const alertTopic = await collectTopic(`${prefix}alert.events.v1`);

t.teardown(async () => {
  await alertTopic.stop();
  await service.close();
  await pool.end();
  await db.drop();
});

const post = (body: unknown, idempotencyKey: string, bearer?: string) => postReport(base, body, idempotencyKey, bearer);
const eventCount = async (): Promise<number> => Number((await pool.query('SELECT count(*) AS n FROM alert.events')).rows[0].n);
const streamTypes = async (alertId: string): Promise<string[]> =>
  (await pool.query('SELECT type FROM alert.events WHERE stream_id = $1 ORDER BY stream_version', [`alert-${alertId}`])).rows.map((r) => r.type);

const officer = await token({ sub: 'officer-kunming-li', role: 'officer', officerId: 'officer-kunming-li' });

t.test('an accepted report opens the alert, the case and the quick search, and is published on alert.events.v1', async (t) => {
  const report = freshReport();
  const answer = await post(report, 'accept-1');
  t.equal(answer.status, 201);
  t.match(answer.body, { alertId: String, caseId: String, status: 'open' });
  t.same(await streamTypes(answer.body.alertId), ['MissingChildReported', 'CaseOpened', 'QuickSearchActivated']);

  const published = await eventually(async () => {
    const mine = alertTopic.messages().filter((m) => m.value.caseId === answer.body.caseId);
    if (mine.length < 3) throw new Error(`${mine.length} of 3 events published`);
    return mine;
  }, 60000);
  t.same(
    published.map((m) => m.value.type),
    ['MissingChildReported', 'CaseOpened', 'QuickSearchActivated'],
  );
  t.ok(
    published.every((m) => m.key === answer.body.caseId),
    'keyed by case id',
  );
  t.match(published[2]!.value.data, { radiusKm: 100, alertId: answer.body.alertId });
  t.match(published[0]!.value.metadata, { actor: { id: 'up-kunming-110', role: 'upstream' } });

  const state = await call(base, 'GET', `/v1/alerts/${answer.body.alertId}`, { bearer: officer });
  t.equal(state.status, 200);
  t.match(state.body, { status: 'open', radiusKm: 100, caseId: answer.body.caseId, source: '110', upstreamSystemId: 'up-kunming-110' });
  t.equal(state.body.nextWideningAt, new Date(Date.parse(report.lastSeen.at) + 3600_000).toISOString());
});

t.test('the same key and body again answers 200 with the first answer and writes nothing', async (t) => {
  const report = freshReport();
  const first = await post(report, 'retry-1');
  const before = await eventCount();
  const again = await post(report, 'retry-1');
  t.equal(first.status, 201);
  t.equal(again.status, 200);
  t.same(again.body, first.body);
  t.equal(await eventCount(), before, 'no event written');
});

t.test('the same key with another body is 409 IDEMPOTENCY_KEY_REUSED', async (t) => {
  const report = freshReport();
  await post(report, 'reuse-1');
  const other = await post({ ...report, reporter: { ...report.reporter, relation: 'father' } }, 'reuse-1');
  t.equal(other.status, 409);
  t.equal(other.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
});

t.test('the same key from another upstream system is another request', async (t) => {
  const report = freshReport({ source: 'hospital' });
  const mine = await post(report, 'shared-key', KEYS.hospital);
  const theirs = await post({ ...freshReport(), source: '110' }, 'shared-key', KEYS.kunming110);
  t.equal(mine.status, 201);
  t.equal(theirs.status, 201);
  t.not(mine.body.alertId, theirs.body.alertId);
});

t.test('an upstream token (npm run token -- upstream) is accepted like the API key', async (t) => {
  const upstream = await token({ sub: 'up-kunming-childrens-hospital', role: 'upstream', upstreamSystemId: 'up-kunming-childrens-hospital' });
  const answer = await post(freshReport({ source: 'hospital' }), 'token-1', upstream);
  t.equal(answer.status, 201);
  const event = await pool.query(`SELECT data FROM alert.events WHERE stream_id = $1 AND type = 'MissingChildReported'`, [
    `alert-${answer.body.alertId}`,
  ]);
  t.match(event.rows[0].data, { source: 'hospital', upstreamSystemId: 'up-kunming-childrens-hospital' });
});

t.test('who may report', async (t) => {
  const report = freshReport();
  t.equal((await post(report, 'auth-1', '')).status, 401, 'no credentials');
  t.equal((await post(report, 'auth-2', 'rs_demo_00000000000000000000000000000000')).status, 401, 'unknown API key');
  const stranger = await token({ sub: 'up-nowhere', role: 'upstream', upstreamSystemId: 'up-nowhere' });
  t.equal((await post(report, 'auth-3', stranger)).status, 401, 'a token naming no seeded system');
  t.equal((await post(report, 'auth-4', officer)).status, 403, 'an officer does not report through intake');
  const wrongSource = await post({ ...report, source: 'tuanyuan' }, 'auth-5');
  t.equal(wrongSource.status, 400, "a source other than the system's own");
  t.same(
    wrongSource.body.error.details.issues.map((i: { path: string }) => i.path),
    ['body.source'],
  );
});

t.test('bad input is refused, naming what is wrong, and nothing is stored', async (t) => {
  const before = await eventCount();
  const report = freshReport();
  const now = Date.now();
  const cases: { name: string; body: unknown; status: number; code: string; paths?: string[] }[] = [
    {
      name: 'latitude out of range',
      body: { ...report, lastSeen: { ...report.lastSeen, lat: 91 } },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.lastSeen.lat'],
    },
    {
      name: 'longitude out of range',
      body: { ...report, lastSeen: { ...report.lastSeen, lon: 181 } },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.lastSeen.lon'],
    },
    {
      name: 'region code not 6 digits',
      body: { ...report, lastSeen: { ...report.lastSeen, regionCode: '5301' } },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.lastSeen.regionCode'],
    },
    {
      name: 'time not ISO-8601',
      body: { ...report, reportedAt: '3 May 2025 16:05' },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.reportedAt'],
    },
    {
      name: 'reported in the future',
      body: { ...report, reportedAt: new Date(now + 3600_000).toISOString() },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.reportedAt'],
    },
    {
      name: 'last seen after the report',
      body: { ...report, reportedAt: new Date(now - 3600_000).toISOString() },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.lastSeen.at'],
    },
    {
      name: 'implausible phone',
      body: { ...report, reporter: { ...report.reporter, phone: '12345' } },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.reporter.phone'],
    },
    { name: 'missing child', body: { ...report, child: undefined }, status: 400, code: 'VALIDATION_FAILED', paths: ['body.child'] },
    { name: 'an adult by age', body: { ...report, child: { ...report.child, ageYears: 19 } }, status: 422, code: 'NOT_A_MINOR' },
    {
      name: 'an adult by date of birth',
      body: { ...report, child: { ...report.child, ageYears: undefined, dateOfBirth: '2000-01-01' } },
      status: 422,
      code: 'NOT_A_MINOR',
    },
  ];
  for (const c of cases) {
    const answer = await post(c.body, `bad-${c.name.replace(/\s+/g, '-')}`);
    t.equal(answer.status, c.status, `${c.name}: status`);
    t.equal(answer.body.error.code, c.code, `${c.name}: code`);
    if (c.paths)
      t.same(
        answer.body.error.details.issues.map((i: { path: string }) => i.path),
        c.paths,
        `${c.name}: paths`,
      );
  }

  const noKey = await call(base, 'POST', '/v1/alerts', { bearer: KEYS.kunming110, body: report });
  t.equal(noKey.status, 400);
  t.same(
    noKey.body.error.details.issues.map((i: { path: string }) => i.path),
    ['headers.idempotency-key'],
  );

  const malformed = await call(base, 'POST', '/v1/alerts', { bearer: KEYS.kunming110, idempotencyKey: 'bad-json', rawBody: '{"source": ' });
  t.equal(malformed.status, 400);
  t.equal(malformed.body.error.code, 'MALFORMED_JSON');

  const text = await call(base, 'POST', '/v1/alerts', {
    bearer: KEYS.kunming110,
    idempotencyKey: 'bad-type',
    rawBody: 'a child is missing',
    contentType: 'text/plain',
  });
  t.equal(text.status, 415);

  const huge = await post({ ...report, child: { ...report.child, description: 'x'.repeat(70 * 1024) } }, 'bad-size');
  t.equal(huge.status, 413);

  t.equal(await eventCount(), before, 'no event stored');
  const keys = await pool.query(`SELECT count(*) AS n FROM alert.idempotency_keys WHERE idempotency_key LIKE 'bad-%'`);
  t.equal(Number(keys.rows[0].n), 0, 'no idempotency record kept for a refused request');
});

t.test('a second report of a child with an open alert is linked to it', async (t) => {
  const report = freshReport();
  const first = await post(report, 'dup-first');
  const secondBody = { ...report, source: 'hospital', reportedAt: new Date().toISOString() };
  const second = await post(secondBody, 'dup-second', KEYS.hospital);
  t.equal(second.status, 200);
  t.same(second.body, { alertId: first.body.alertId, caseId: first.body.caseId, status: 'open', duplicateOf: first.body.alertId });
  t.same(await streamTypes(first.body.alertId), ['MissingChildReported', 'CaseOpened', 'QuickSearchActivated', 'DuplicateReportLinked']);
  const linked = await pool.query(`SELECT data FROM alert.events WHERE stream_id = $1 AND type = 'DuplicateReportLinked'`, [
    `alert-${first.body.alertId}`,
  ]);
  t.match(linked.rows[0].data, {
    alertId: first.body.alertId,
    caseId: first.body.caseId,
    source: 'hospital',
    upstreamSystemId: 'up-kunming-childrens-hospital',
  });
  const state = await call(base, 'GET', `/v1/alerts/${first.body.alertId}`, { bearer: officer });
  t.equal(state.body.duplicateReports, 1);

  const retried = await post(secondBody, 'dup-second', KEYS.hospital);
  t.equal(retried.status, 200, 'a retry of the duplicate replays its answer');
  t.same(retried.body, second.body);
  t.equal(
    await call(base, 'GET', `/v1/alerts/${first.body.alertId}`, { bearer: officer }).then((s) => s.body.duplicateReports),
    1,
    'and links nothing twice',
  );

  const elsewhere = await post({ ...report, lastSeen: { ...report.lastSeen, regionCode: '530112' } }, 'dup-elsewhere');
  t.equal(elsewhere.status, 201, 'another region is another child');
  const older = new Date(Date.parse(report.lastSeen.at) - 80 * 3600_000).toISOString();
  const later = await post({ ...report, reportedAt: older, lastSeen: { ...report.lastSeen, at: older } }, 'dup-older');
  t.equal(later.status, 201, 'more than 72 hours apart is another disappearance');
});

t.test('the demo case from seeds/ is accepted as sent, and its long-overdue release widens to 500 km', async (t) => {
  const demo = readSeed('demo-case.json', z.object({ alert: z.object({ idempotencyKey: z.string(), body: z.unknown() }) }));
  const answer = await post(demo.alert.body, demo.alert.idempotencyKey);
  t.equal(answer.status, 201);
  await eventually(async () => {
    const state = await call(base, 'GET', `/v1/alerts/${answer.body.alertId}`, { bearer: officer });
    if (state.body.radiusKm !== 500) throw new Error(`radius ${state.body.radiusKm}`);
  }, 30000);
  t.same(
    (
      await pool.query(
        `SELECT data->>'toKm' AS km FROM alert.events WHERE stream_id = $1 AND type = 'PublicReleaseRadiusWidened' ORDER BY stream_version`,
        [`alert-${answer.body.alertId}`],
      )
    ).rows.map((r) => Number(r.km)),
    [200, 300, 500],
  );
});

t.test("the reporter's phone and the child's name never reach the logs", async (t) => {
  // The scheduler logs its widening once the append has committed, a moment after the row reads 500 km.
  await eventually(async () => {
    if (!logs.text().includes('public-release radii widened')) throw new Error('no widening logged yet');
  }, 10000);
  const text = logs.text();
  t.match(text, 'public-release radii widened', 'the service did log, unredacted, at debug level');
  t.notMatch(text, '13812345678');
  t.notMatch(text, 'Zhang Xiaoyu');
  t.notMatch(text, '张小雨');
  t.notMatch(text, 'Test Child');
  t.notMatch(text, '测试');
});
