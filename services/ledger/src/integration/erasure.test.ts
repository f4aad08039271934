import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually, tablesHoldingAny } from '@rapid-search/events/testing';
import t from 'tap';
import { startHarness } from './harness.js';

const CLI = fileURLToPath(new URL('../cli/audit.js', import.meta.url));
const run = promisify(execFile);

const h = await startHarness('ledger_erasure');
t.teardown(() => h.close());

const CASE = 'case-erasure-1';
const REPORTER = { name: 'Qiu Shuhua', phone: '13987650123' };
const TIPSTER_PHONE = '15011229988';
const EVIDENCE = 'evidence-erasure-secret';
const CLEAR = [REPORTER.name, REPORTER.phone, TIPSTER_PHONE, 'Qiu Xiaomei', EVIDENCE];

const officer = await h.token({ role: 'officer', officerId: 'officer-kunming-chen-gang' });
const protector = await h.token({ role: 'officer', officerId: 'officer-kunming-dp', grants: ['data-protection'] });
const elsewhere = await h.token({
  role: 'officer',
  officerId: 'officer-xian-dp',
  grants: ['data-protection'],
  unit: { id: 'cc-xian', regionCode: '610100' },
});
const auditor = await h.token({ role: 'auditor' });
const granted = await h.token({ role: 'auditor', sub: 'auditor-provincial-li', grants: ['personal-data'] });

const call = async (method: 'GET' | 'POST', url: string, token: string, body?: unknown) => {
  const res = await h.service.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, text: res.body, body: res.json<Record<string, any>>() };
};
const now = () => new Date().toISOString();
const erase = (token: string, caseId = CASE) => call('POST', `/v1/cases/${caseId}/personal-data/erase`, token);
const lines = async (url: string, token: string) =>
  (await h.service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { entry: { type: string; data: Record<string, any> } });

t.before(async () => {
  await h.publish('alert', 'CaseOpened', CASE, {
    caseId: CASE,
    alertId: `alert-${CASE}`,
    regionCode: '530111',
    mechanism: 'homicide-case',
    openedAt: now(),
  });
  await eventually(async () => {
    if ((await call('GET', `/v1/cases/${CASE}`, officer)).status !== 200) throw new Error('case file not open yet');
  }, 20000);
  await h.publish('alert', 'MissingChildReported', CASE, {
    caseId: CASE,
    alertId: `alert-${CASE}`,
    source: '110',
    upstreamSystemId: 'up-kunming-110',
    reportedAt: now(),
    child: { name: 'Qiu Xiaomei', sex: 'female' },
    lastSeen: { at: now(), lat: 24.96, lon: 102.76, regionCode: '530111' },
    reporter: { ...REPORTER, relation: 'mother' },
  });
  await h.publish('alert', 'TipReceived', CASE, {
    tipId: 'tip-erasure-1',
    alertId: `alert-${CASE}`,
    caseId: CASE,
    seenAt: now(),
    place: { lat: 25.02, lon: 102.72 },
    description: 'a girl in a red coat at the railway station',
    contact: { phone: TIPSTER_PHONE, mayCall: true },
    via: { channel: 'public' },
    receivedAt: now(),
  });
  const identified = await call('POST', `/v1/cases/${CASE}/parents-identified`, officer, { evidenceRef: EVIDENCE });
  if (identified.status !== 200) throw new Error(`parents not identified: ${identified.text}`);
  await eventually(async () => {
    const { rows } = await h.pool.query(
      "SELECT 1 FROM ledger.entries WHERE case_id = $1 AND type IN ('MissingChildReported', 'TipReceived', 'ParentsIdentified')",
      [CASE],
    );
    if (rows.length < 3) throw new Error('not all on the chain yet');
  }, 20000);
});

t.test(
  'given a case with personal data, when it is stored and chained, then no ledger table holds it in clear and its readers see it opened',
  async (t) => {
    t.same(await tablesHoldingAny(h.pool, CLEAR, ['ledger']), []);
    t.equal((await call('GET', `/v1/cases/${CASE}`, officer)).body.parents.evidenceRef, EVIDENCE, 'an officer sees it by role');
    t.equal((await call('GET', `/v1/cases/${CASE}`, auditor)).body.parents.evidenceRef, '[masked]');
    const stream = await lines(`/v1/ledger?reason=${encodeURIComponent('review before erasure')}`, granted);
    const reported = stream.find((l) => l.entry.type === 'MissingChildReported')!;
    t.match(reported.entry.data, { reporter: REPORTER, child: { name: 'Qiu Xiaomei' } }, 'opened under the grant, with a reason');
    for (const url of ['/v1/ledger', '/v1/ledger?form=sealed']) {
      const masked = await lines(url, auditor);
      const data = masked.find((l) => l.entry.type === 'MissingChildReported')!.entry.data;
      t.match(data, { reporter: { name: '[masked]', phone: '[masked]' } }, url);
    }
    const sealed = await lines('/v1/ledger?form=sealed', granted);
    const data = sealed.find((l) => l.entry.type === 'MissingChildReported')!.entry.data;
    t.match(data, { reporter: { phone: /^pd1\./ } }, 'sealed as hashed, with no reason asked');
  },
);

t.test('given a case not solved, when an officer with the grant erases it, then 409 names why and nothing is erased', async (t) => {
  t.match(await erase(protector), { status: 409, body: { error: { code: 'CASE_NOT_CLOSED', message: /neither solved nor withdrawn/ } } });
  t.equal((await call('GET', `/v1/cases/${CASE}`, officer)).body.parents.evidenceRef, EVIDENCE);
});

t.test('given a solved case, when an officer without the grant, without authority, or for an unknown case erases, then 403 or 404', async (t) => {
  t.equal((await call('POST', `/v1/cases/${CASE}/solve`, officer, { summary: 'traffickers arrested' })).status, 200);
  t.match(await erase(officer), { status: 403, body: { error: { code: 'FORBIDDEN' } } });
  t.match(await erase(elsewhere), { status: 403, body: { error: { code: 'NO_AUTHORITY_OVER_CASE' } } });
  t.equal((await erase(auditor)).status, 403);
  t.equal((await erase(protector, 'case-nobody-opened')).status, 404);
  t.equal((await call('GET', `/v1/cases/${CASE}`, officer)).body.erasedAt, null);
});

t.test('given a solved case, when an officer with the grant erases it twice, then it is recorded once and reads show [erased]', async (t) => {
  t.match(await erase(protector), { status: 200, body: { appended: ['PersonalDataErased'] } });
  t.match(await erase(protector), { status: 200, body: { appended: [] } }, 'a repeat appends nothing');
  const { rows: events } = await h.pool.query("SELECT data FROM ledger.events WHERE case_id = $1 AND type = 'PersonalDataErased'", [CASE]);
  t.match(events, [{ data: { caseId: CASE, by: 'officer-kunming-dp', why: 'request' } }]);
  const { rows: keys } = await h.pool.query('SELECT wrapped, erased_at FROM keyring.data_keys WHERE subject = $1', [CASE]);
  t.match(keys, [{ wrapped: null, erased_at: Date }], "the case's key is destroyed");

  const file = (await call('GET', `/v1/cases/${CASE}`, officer)).body;
  t.match(file, { parents: { evidenceRef: '[erased]' }, erasedAt: String });
  t.equal((await call('GET', `/v1/cases/${CASE}`, auditor)).body.parents.evidenceRef, '[masked]', 'masked stays masked');
  await eventually(async () => {
    const { rows } = await h.pool.query("SELECT 1 FROM ledger.entries WHERE case_id = $1 AND type = 'PersonalDataErased'", [CASE]);
    if (rows.length === 0) throw new Error('erasure not on the chain yet');
  }, 20000);
  const opened = await lines(`/v1/ledger/streams/alert-${CASE}?reason=${encodeURIComponent('review after erasure')}`, granted);
  const all = await lines(`/v1/ledger?reason=${encodeURIComponent('review after erasure')}`, granted);
  const data = (type: string) => [...opened, ...all].find((l) => l.entry.type === type)!.entry.data;
  t.match(data('MissingChildReported'), { reporter: { name: '[erased]', phone: '[erased]' }, child: { name: '[erased]' } });
  t.match(data('TipReceived'), { contact: { phone: '[erased]' } });
  t.match(data('ParentsIdentified'), { evidenceRef: '[erased]' });
  t.match(data('PersonalDataErased'), { caseId: CASE, by: 'officer-kunming-dp', why: 'request' });
  t.same(await tablesHoldingAny(h.pool, CLEAR, ['ledger']), [], 'no ledger table holds the data in clear after either');
});

t.test('given an erased case, when the chain is verified and the case replayed, then both hold as before', async (t) => {
  t.match((await call('GET', '/v1/ledger/verify', auditor)).body, { ok: true, brokenLinks: 0, violations: [] });
  const env = { ...process.env, DATABASE_URL: h.db.url };
  const replay = await run(process.execPath, [CLI, 'replay', '--case', CASE], { env });
  t.match(replay.stdout, /PersonalDataErased/);
  t.match(replay.stdout, /"erasedAt": "/);
  t.match(replay.stdout, /"solvedAt": "/);
});
