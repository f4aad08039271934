import { createTestDatabase, requireKafka, TEST_PERSONAL_DATA_KEK, testTopicPrefix } from '@rapid-search/events/testing';
import { indexKeyOf, Keyring, PersonalData, PgEventStore } from '@rapid-search/events';
import pg from 'pg';
import t from 'tap';
import { intakeCommands } from '../commands/intake.js';
import { KUNMING_110 } from '../domain/fixtures.test-helper.js';
import { call, freshReport, postReport, startService, token } from './harness.js';

await requireKafka();
const db = await createTestDatabase('alert_intake_races');
const { service, base } = await startService({ databaseUrl: db.url, topicPrefix: testTopicPrefix() });
const pool = new pg.Pool({ connectionString: db.url, max: 8 });
t.teardown(async () => {
  await service.close();
  await pool.end();
  await db.drop();
});

const post = (body: unknown, idempotencyKey: string) => postReport(base, body, idempotencyKey);
const officer = await token({ sub: 'officer-kunming-li', role: 'officer', officerId: 'officer-kunming-li' });
const streamTypes = async (alertId: string): Promise<string[]> =>
  (await pool.query('SELECT type FROM alert.events WHERE stream_id = $1 ORDER BY stream_version', [`alert-${alertId}`])).rows.map((r) => r.type);

t.test('concurrent identical retries create one alert', async (t) => {
  const report = freshReport();
  const answers = await Promise.all(Array.from({ length: 12 }, () => post(report, 'concurrent-1')));
  t.same(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  t.equal(new Set(answers.map((a) => a.body.alertId)).size, 1, 'everyone got the same alert');
  const { rows } = await pool.query(
    `SELECT count(*) AS n FROM alert.alerts WHERE duplicate_key = (SELECT duplicate_key FROM alert.alerts WHERE alert_id = $1)`,
    [answers[0]!.body.alertId],
  );
  t.equal(Number(rows[0].n), 1, 'one alert of the child');
});

t.test('two identical reports of a new child in one moment open one alert', async (t) => {
  const report = freshReport();
  const [a, b] = await Promise.all([post(report, 'same-child-a'), post(report, 'same-child-b')]);
  t.same([a.status, b.status].sort(), [200, 201]);
  t.equal(a.body.alertId, b.body.alertId);
});

t.test('given a new child, when ten systems report the child at once under their own keys, then one alert opens and nine join it', async (t) => {
  const report = freshReport();
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(report, `many-${i}`)));
  t.same(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  const opened = answers.find((a) => a.status === 201)!.body;
  t.ok(
    answers.every((a) => a.body.alertId === opened.alertId),
    'every report names the one alert',
  );
  t.ok(
    answers.filter((a) => a.status === 200).every((a) => a.body.duplicateOf === opened.alertId),
    'the joined ones as duplicateOf',
  );
  t.same(await streamTypes(opened.alertId), [
    'MissingChildReported',
    'CaseOpened',
    'QuickSearchActivated',
    ...Array(9).fill('DuplicateReportLinked'),
  ]);
  t.equal((await call(base, 'GET', `/v1/alerts/${opened.alertId}`, { bearer: officer })).body.duplicateReports, 9);
});

t.test('given a report joined to an alert, when its retries come at once, then they replay its answer and link nothing twice', async (t) => {
  const report = freshReport();
  const first = await post(report, 'joined-first');
  const retries = await Promise.all(Array.from({ length: 6 }, () => post(report, 'joined-again')));
  t.same(
    retries.map((a) => a.status),
    Array(6).fill(200),
  );
  t.ok(retries.every((a) => a.body.duplicateOf === first.body.alertId));
  t.same(await streamTypes(first.body.alertId), ['MissingChildReported', 'CaseOpened', 'QuickSearchActivated', 'DuplicateReportLinked']);
});

t.test('given reports committed together, when Postgres refuses one of them, then it alone fails with 400 and the others are taken', async (t) => {
  // Past the HTTP layer, which refuses a U+0000 itself: the store's own refusal, item by item.
  const kek = Buffer.from(TEST_PERSONAL_DATA_KEK, 'base64');
  const personal = new PersonalData(new Keyring(pool, kek), indexKeyOf(kek));
  const accept = intakeCommands({ pool, store: new PgEventStore(pool, 'alert', personal), personal, clock: () => new Date() });
  const request = (report: ReturnType<typeof freshReport>, idempotencyKey: string) =>
    accept({ report, reporter: KUNMING_110, idempotencyKey, requestHash: idempotencyKey, correlationId: idempotencyKey });
  const good = Array.from({ length: 6 }, () => freshReport());
  const poisoned = { ...freshReport(), reporter: { ...good[0]!.reporter, relation: 'mo\u0000ther' } };
  const settled = await Promise.allSettled([...good.map((r, i) => request(r, `batch-good-${i}`)), request(poisoned, 'batch-poisoned')]);
  t.same(
    settled.map((s) => (s.status === 'fulfilled' ? s.value.status : s.reason.status)),
    [201, 201, 201, 201, 201, 201, 400],
  );
  t.match((settled[6] as PromiseRejectedResult).reason, { code: 'UNSTORABLE_INPUT' });
  const kept = await pool.query(`SELECT idempotency_key FROM alert.idempotency_keys WHERE idempotency_key LIKE 'batch-%' ORDER BY 1`);
  t.same(
    kept.rows.map((r) => r.idempotency_key),
    good.map((_, i) => `batch-good-${i}`),
    'no answer is recorded for the refused one',
  );
});
