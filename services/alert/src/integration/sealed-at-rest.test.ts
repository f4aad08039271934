import { ERASED, Keyring, KEYRING_SCHEMA } from '@rapid-search/events';
import {
  createTestDatabase,
  eventually,
  publishedEnvelope,
  requireKafka,
  tablesHoldingAny,
  TEST_PERSONAL_DATA_KEK,
  testTopicPrefix,
  topicMessages,
} from '@rapid-search/events/testing';
import pg from 'pg';
import t from 'tap';
import { validateCap } from '../domain/cap/schema.test-helper.js';
import { call, freshReport, postReport, publish, startService, token } from './harness.js';

await requireKafka();
const db = await createTestDatabase('alert_sealed_at_rest');
const prefix = testTopicPrefix();
const { service, base } = await startService({ databaseUrl: db.url, topicPrefix: prefix });
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
t.teardown(async () => {
  await service.close();
  await pool.end();
  await db.drop();
});

const CHILD = 'Quillon Sealwright (封存童)';
const REPORTER = 'Marguerite Vaultkeeper (守钥人)';
const PHONE = '13911223344';
const TIPSTER_PHONE = '13755667788';
const CLEAR = [CHILD, '封存童', REPORTER, PHONE, TIPSTER_PHONE];
const officer = await token({ sub: 'officer-kunming-li', role: 'officer', officerId: 'officer-kunming-li' });
const fresh = freshReport();
const report = { ...fresh, child: { ...fresh.child, name: CHILD }, reporter: { ...fresh.reporter, name: REPORTER, phone: PHONE } };
const opened = await postReport(base, report, 'sealed-at-rest-1');
const { alertId, caseId } = opened.body as { alertId: string; caseId: string };
const tip = await call(base, 'POST', `/v1/public/alerts/${alertId}/tips`, {
  body: {
    seenAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    lat: 24.98,
    lon: 102.71,
    description: 'a child like the one in the alert, at the bus station',
    contact: { phone: TIPSTER_PHONE, mayCall: true },
  },
});

const capDocument = async () => (await fetch(`${base}/v1/public/cap/RS-${alertId}-1`)).text();

t.test(
  'given an alert and a tip posted over HTTP, when every table and the alert topic are read, then none holds a name or phone in clear',
  async (t) => {
    t.equal(opened.status, 201);
    t.equal(tip.status, 201);
    t.same(await tablesHoldingAny(pool, CLEAR), [], 'no table of any schema, the keyring included');
    const published = await eventually(async () => {
      const texts = await topicMessages([`${prefix}alert.events.v1`]);
      if (!texts.some((text) => text.includes('TipReceived'))) throw new Error('the tip is not published yet');
      return texts;
    }, 15_000);
    t.same(
      CLEAR.filter((clear) => published.some((text) => text.includes(clear))),
      [],
      'no message on alert.events.v1',
    );
  },
);

t.test('given the alert, when the keyring is read, then it holds the case’s key wrapped, and nothing else', async (t) => {
  const { rows: columns } = await pool.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'data_keys' ORDER BY ordinal_position`,
    [KEYRING_SCHEMA],
  );
  t.same(
    columns.map((c) => `${c.column_name} ${c.data_type}`),
    ['key_id text', 'subject text', 'wrapped bytea', 'created_at timestamp with time zone', 'erased_at timestamp with time zone'],
  );
  const { rows } = await pool.query<{ subject: string; wrapped: Buffer }>(`SELECT subject, wrapped FROM ${KEYRING_SCHEMA}.data_keys`);
  t.ok(
    rows.some((r) => r.subject === caseId && r.wrapped.length === 12 + 32 + 16),
    'the case’s key, wrapped: iv, key, tag',
  );
});

t.test('given the alert, when an officer reads it, then the name and the reporter are opened', async (t) => {
  const read = await call(base, 'GET', `/v1/alerts/${alertId}`, { bearer: officer });
  t.equal(read.body.child.name, CHILD);
  t.same(read.body.reporter, report.reporter);
});

t.test('given the alert, when the public fetches its CAP document, then it carries the clear name and validates', async (t) => {
  const xml = await capDocument();
  t.ok(xml.includes(CHILD), 'the child’s name in clear');
  t.notOk(xml.includes(PHONE) || xml.includes(REPORTER), 'nothing of the reporter');
  t.doesNotThrow(() => validateCap(xml), 'valid against the OASIS CAP 1.2 schema');
  t.equal(await capDocument(), xml, 'byte-identical when served again');
});

t.test('given the case’s key erased, when the alert and its CAP document are read, then they show [erased]', async (t) => {
  await new Keyring(pool, Buffer.from(TEST_PERSONAL_DATA_KEK, 'base64')).erase(caseId);
  const read = await call(base, 'GET', `/v1/alerts/${alertId}`, { bearer: officer });
  t.equal(read.body.child.name, ERASED);
  t.same(read.body.reporter, { ...report.reporter, name: ERASED, phone: ERASED });
  const auditor = await call(base, 'GET', `/v1/alerts/${alertId}`, { bearer: await token({ sub: 'auditor-1', role: 'auditor' }) });
  t.equal(auditor.body.child.name, ERASED, 'masked, an erased name is still [erased]');
  const xml = await capDocument();
  t.notOk(xml.includes(CHILD), 'the name is gone from the public release');
  t.ok(xml.includes(ERASED));
  t.doesNotThrow(() => validateCap(xml));
});

t.test('given the ledger records the erasure, when the same child is reported again, then the new report opens an alert of its own', async (t) => {
  const erased = publishedEnvelope(
    { type: 'PersonalDataErased', data: { caseId, erasedAt: new Date().toISOString(), by: 'officer-kunming-li', why: 'request' } },
    caseId,
    { streamVersion: 9, metadata: { actor: { id: 'officer-kunming-li', role: 'officer' }, correlationId: caseId, causationId: null } },
  );
  await publish(`${prefix}ledger.events.v1`, [{ key: caseId, value: erased }]);
  await eventually(async () => {
    const { rows } = await pool.query(`SELECT duplicate_key FROM alert.alerts WHERE alert_id = $1`, [alertId]);
    if (!String(rows[0]?.duplicate_key).startsWith('erased:')) throw new Error('duplicate key not cleared yet');
  }, 20_000);
  const again = await postReport(base, report, 'sealed-at-rest-2');
  t.equal(again.status, 201, 'a new alert, not a duplicate of the erased one');
  t.not(again.body.alertId, alertId);
});
