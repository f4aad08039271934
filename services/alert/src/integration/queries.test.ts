import { createTestDatabase, requireKafka, testTopicPrefix } from '@rapid-search/events/testing';
import pg from 'pg';
import t from 'tap';
import { sampleReport } from '../domain/fixtures.test-helper.js';
import { call, freshReport, postReport, KEYS, startService, token } from './harness.js';

await requireKafka();
const db = await createTestDatabase('alert_queries');
const { service, base } = await startService({ databaseUrl: db.url, topicPrefix: testTopicPrefix() });
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
t.teardown(async () => {
  await pool.end();
  await service.close();
  await db.drop();
});

const post = (body: unknown, idempotencyKey: string, bearer?: string) => postReport(base, body, idempotencyKey, bearer);

const officer = await token({ sub: 'officer-kunming-li', role: 'officer', officerId: 'officer-kunming-li' });
const consoleToken = await token({ sub: 'console-kunming', role: 'console', commandCenterId: 'cc-kunming' });
const auditor = await token({ sub: 'auditor-1', role: 'auditor' });
const auditorWithGrant = await token({ sub: 'auditor-2', role: 'auditor', grants: ['personal-data'] });

// A report from the hospital, so that what a system may list is shown on more than one system's alerts.
await post(freshReport({ source: 'hospital' }), 'from-the-hospital', KEYS.hospital);

t.test('what each role sees of an alert', async (t) => {
  const report = freshReport();
  const { body } = await post(report, 'roles-1');
  const asOfficer = await call(base, 'GET', `/v1/alerts/${body.alertId}`, { bearer: officer });
  t.same(asOfficer.body.reporter, report.reporter, 'officers see the reporter');
  t.equal(asOfficer.body.child.name, report.child.name);
  const asConsole = await call(base, 'GET', `/v1/alerts/${body.alertId}`, { bearer: consoleToken });
  t.equal(asConsole.body.reporter, undefined, 'consoles do not see the reporter');
  t.equal(asConsole.body.child.name, report.child.name);
  const asAuditor = await call(base, 'GET', `/v1/alerts/${body.alertId}`, { bearer: auditor });
  t.equal(asAuditor.body.child.name, 'T**', 'auditors see the name masked');
  t.equal(asAuditor.body.reporter, undefined);
  const granted = await call(base, 'GET', `/v1/alerts/${body.alertId}?reason=complaint%20118`, { bearer: auditorWithGrant });
  t.equal(granted.body.child.name, report.child.name, 'unless granted personal-data, with a reason');
  t.equal(granted.body.reporter, undefined);
  const owner = await call(base, 'GET', `/v1/alerts/${body.alertId}`, { bearer: KEYS.kunming110 });
  t.equal(owner.status, 200, 'the reporting system sees its own alert');
  const other = await call(base, 'GET', `/v1/alerts/${body.alertId}`, { bearer: KEYS.hospital });
  t.equal(other.status, 404, 'another system does not');
  t.equal((await call(base, 'GET', `/v1/alerts/${body.alertId}`)).status, 401);
  t.equal((await call(base, 'GET', '/v1/alerts/no-such-alert', { bearer: officer })).status, 404);
});

t.test('listing by status and region', async (t) => {
  const here = freshReport({ lastSeen: { ...sampleReport(new Date()).lastSeen, regionCode: '530102' } });
  const { body } = await post(here, 'list-1');
  const open = await call(base, 'GET', '/v1/alerts?status=open&regionCode=530102', { bearer: consoleToken });
  t.equal(open.status, 200);
  t.same(
    open.body.alerts.map((a: { alertId: string }) => a.alertId),
    [body.alertId],
  );
  const closed = await call(base, 'GET', '/v1/alerts?status=closed&regionCode=530102', { bearer: consoleToken });
  t.same(closed.body.alerts, []);
  const bad = await call(base, 'GET', '/v1/alerts?regionCode=53', { bearer: consoleToken });
  t.equal(bad.status, 400);
  const hospitals = await call(base, 'GET', '/v1/alerts', { bearer: KEYS.hospital });
  t.ok(hospitals.body.alerts.length > 0);
  t.ok(
    hospitals.body.alerts.every((a: { upstreamSystemId: string }) => a.upstreamSystemId === 'up-kunming-childrens-hospital'),
    'a system lists only its own',
  );
});

t.test('given more alerts than a page, when they are listed, then cursors walk them newest first, each once', async (t) => {
  for (let i = 0; i < 3; i++) await post(freshReport(), `paged-${i}`);
  const seen: string[] = [];
  let page = await call(base, 'GET', '/v1/alerts?limit=2', { bearer: consoleToken });
  for (;;) {
    seen.push(...page.body.alerts.map((a: { alertId: string }) => a.alertId));
    if (!page.body.next) break;
    page = await call(base, 'GET', `/v1/alerts?limit=2&cursor=${page.body.next}`, { bearer: consoleToken });
  }
  const all = await call(base, 'GET', '/v1/alerts?limit=500', { bearer: consoleToken });
  t.ok(seen.length > 2);
  t.same(
    seen,
    all.body.alerts.map((a: { alertId: string }) => a.alertId),
    'the pages are the whole list in order',
  );
  t.equal((await call(base, 'GET', '/v1/alerts?limit=501', { bearer: consoleToken })).status, 400, 'at most 500 a page');
  t.equal((await call(base, 'GET', '/v1/alerts?cursor=bogus', { bearer: consoleToken })).status, 400);
});

t.test('the OpenAPI document lists the alert routes', async (t) => {
  const docs = await call(base, 'GET', '/docs/openapi.json');
  t.equal(docs.status, 200);
  t.ok(docs.body.paths['/v1/alerts'].post.requestBody);
  t.same(Object.keys(docs.body.paths['/v1/alerts'].post.responses).sort(), ['200', '201', '4XX', '5XX']);
  t.ok(docs.body.paths['/v1/alerts/{alertId}'].get);
});

t.test('given an auditor with the grant, when they read an alert, then a reason is required and the read is recorded', async (t) => {
  const { body } = await post(freshReport(), 'unmask-1');
  const unmaskings = async () =>
    (
      await pool.query<{ case_id: string; data: Record<string, unknown> }>(
        "SELECT case_id, data FROM alert.events WHERE type = 'PersonalDataUnmasked' AND case_id = $1",
        [body.caseId],
      )
    ).rows;
  const refused = await call(base, 'GET', `/v1/alerts/${body.alertId}`, { bearer: auditorWithGrant });
  t.equal(refused.status, 400);
  t.match(refused.body, { error: { details: { issues: [{ path: 'query.reason' }] } } });
  await call(base, 'GET', `/v1/alerts/${body.alertId}`, { bearer: auditor });
  await call(base, 'GET', `/v1/alerts/${body.alertId}`, { bearer: officer });
  t.same(await unmaskings(), [], 'a refused, a masked and a by-role read record nothing');

  t.equal((await call(base, 'GET', `/v1/alerts/${body.alertId}?reason=complaint%20118`, { bearer: auditorWithGrant })).status, 200);
  t.match(await unmaskings(), [
    {
      case_id: body.caseId,
      data: {
        reader: { id: 'auditor-2', grants: ['personal-data'] },
        scope: { kind: 'case', caseId: body.caseId },
        route: 'GET /v1/alerts/:alertId',
        reason: 'complaint 118',
      },
    },
  ]);
  const listed = await call(base, 'GET', '/v1/alerts', { bearer: auditorWithGrant });
  t.ok(
    listed.body.alerts.every((a: { child: { name: string } }) => a.child.name.endsWith('**')),
    'a list never unmasks under a grant',
  );
});
