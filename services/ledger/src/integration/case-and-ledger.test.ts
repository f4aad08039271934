import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import { canonicalJson, chainHash } from '../audit/canonical.js';
import { startHarness, type Harness } from './harness.js';

const CLI = fileURLToPath(new URL('../cli/audit.js', import.meta.url));
const run = promisify(execFile);

let h: Harness;
let officer: string;
let civilAffairs: string;
let auditor: string;
let auditorWithData: string;

t.before(async () => {
  h = await startHarness('ledger_it');
  officer = await h.token({ role: 'officer', officerId: 'officer-kunming-chen-gang' });
  civilAffairs = await h.token({ role: 'civil-affairs', sub: 'ca-kunming-staff' });
  auditor = await h.token({ role: 'auditor' });
  auditorWithData = await h.token({ role: 'auditor', grants: ['personal-data'] });
});
t.teardown(() => h.close());

const chief = (unitLevel: string, officerId = 'officer-kunming-yang-jianguo') => ({ officerId, name: 'Yang Jianguo', title: 'Director', unitLevel });
const packages = { investigation: 'officer-kunming-chen-gang', rescue: 'officer-kunming-wang-lei', familySupport: 'officer-kunming-guandu-ma-hui' };
const household = { id: 'household-qujing-luliang-zhou', headOfHousehold: 'Zhou Youfu', address: 'Majie Town' };
const institution = { id: 'ca-kunming-childrens-welfare-institute', name: 'Kunming Children Welfare Institute', kind: 'children-welfare' };
const point = { lat: 25.07, lon: 103.74, regionCode: '530322' };

async function post(url: string, token: string, body: unknown = {}) {
  const res = await h.service.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json() as { error?: { code: string }; version?: number; appended?: string[] }, headers: res.headers };
}
async function get(url: string, token: string) {
  return h.service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}
async function openCase(caseId: string): Promise<string> {
  const data = { caseId, alertId: `alert-${caseId}`, regionCode: '530111', mechanism: 'homicide-case', openedAt: new Date().toISOString() };
  const eventId = await h.publish('alert', 'CaseOpened', caseId, data);
  await eventually(async () => {
    const res = await get(`/v1/cases/${caseId}`, officer);
    if (res.statusCode !== 200) throw new Error(`case ${caseId} not open yet: ${res.statusCode}`);
  }, 20000);
  return eventId;
}
async function entriesOf(caseId: string) {
  const { rows } = await h.pool.query<{ seq: string; topic: string; type: string; event_id: string; stream_id: string; stream_version: number }>(
    'SELECT seq, topic, type, event_id, stream_id, stream_version FROM ledger.entries WHERE case_id = $1 ORDER BY seq',
    [caseId],
  );
  return rows;
}

const CASE = 'case-km-0503';

t.test('a case opens from alert.events.v1 CaseOpened, once however often it is delivered', async (t) => {
  const eventId = await openCase(CASE);
  const reported = {
    caseId: CASE,
    alertId: `alert-${CASE}`,
    source: '110',
    upstreamSystemId: 'up-kunming-110',
    reportedAt: new Date().toISOString(),
    child: { name: 'Zhang Xiaoyu', sex: 'female' },
    lastSeen: { at: new Date().toISOString(), lat: 24.96, lon: 102.76, regionCode: '530111' },
    reporter: { name: 'Liu Fang', phone: '13812345678', relation: 'mother' },
  };
  await h.publish('alert', 'MissingChildReported', CASE, reported);
  await h.publish(
    'alert',
    'CaseOpened',
    CASE,
    { caseId: CASE, alertId: `alert-${CASE}`, regionCode: '530111', mechanism: 'homicide-case', openedAt: new Date().toISOString() },
    eventId,
  );
  const res = await get(`/v1/cases/${CASE}`, officer);
  t.equal(res.json().version, 1);
  t.equal((await get('/v1/cases/nope', officer)).statusCode, 404);
});

t.test('一长三包 over HTTP, every rule refused with its code and nothing written', async (t) => {
  const base = `/v1/cases/${CASE}`;
  t.equal((await post(`${base}/group`, officer, { chief: chief('station'), packages })).body.error?.code, 'CHIEF_RANK_TOO_LOW');
  const missing = await post(`${base}/group`, officer, { chief: chief('city'), packages: { investigation: 'a', rescue: 'b' } });
  t.equal(missing.status, 400);
  t.equal((await post(`${base}/group`, auditor, { chief: chief('city'), packages })).status, 403, 'auditors only read');
  t.match(await post(`${base}/group`, officer, { chief: chief('city'), packages }), {
    status: 200,
    body: { version: 2, appended: ['CaseGroupFormed'] },
  });

  const premature = await post(`${base}/group/dissolve`, officer, { reason: 'done' });
  t.match(premature, { status: 409, body: { error: { code: 'CASE_NOT_SOLVED' } } });
  t.equal((await get(base, officer)).json().version, 2, 'the refused dissolution wrote nothing');

  t.equal((await post(`${base}/group/chief`, officer, { chief: chief('province', 'officer-yunnan-he-jianhua'), reason: 'escalated' })).status, 200);
  t.equal((await post(`${base}/packages/rescue/owner`, officer, { owner: 'officer-qujing-tang-yong' })).status, 200);
  t.equal((await post(`${base}/packages/investigation/progress`, officer, { note: 'suspects traced to Qujing' })).status, 200);
  t.equal((await post(`${base}/rescue`, officer, { foundAt: point, household })).status, 200);
  t.match(await post(`${base}/return-to-parents`, officer, {}), { status: 409, body: { error: { code: 'PARENTS_NOT_IDENTIFIED' } } });
  const buyingFamily = await post(`${base}/handover`, officer, {
    institution,
    placement: { kind: 'household', id: household.id },
    childLocation: point,
    materials: ['rescue record'],
  });
  t.match(buyingFamily, { status: 409, body: { error: { code: 'PLACEMENT_WITH_BUYING_FAMILY' } } });

  t.equal(
    (await post(`${base}/handover`, officer, { handoverId: 'handover-1', institution, childLocation: point, materials: ['rescue record'] })).status,
    200,
  );
  t.equal((await post(`${base}/handover/accept`, officer, {})).status, 403, 'only civil affairs accepts');
  t.match(await post(`${base}/handover/accept`, civilAffairs, {}), { status: 200, body: { appended: ['HandoverToCivilAffairsAccepted'] } });
  t.equal((await post(`${base}/dedicated-file`, officer, { policeStationId: 'ps-kunming-guanshang' })).status, 200);
  t.equal((await post(`${base}/follow-ups`, officer, { notes: 'child settled at the institute' })).status, 200);
  t.match(await post(`${base}/registration-eligibility`, officer, { childRef: 'child-x' }), {
    status: 409,
    body: { error: { code: 'REGISTRATION_TOO_EARLY' } },
  });

  const jmo = await h.token({ role: 'officer', officerId: 'jmo-yunnan', grants: ['joint-meeting-office'] });
  t.equal((await post(`${base}/supervision`, officer, { reason: 'key case' })).status, 403);
  t.equal((await post(`${base}/supervision`, jmo, { reason: 'key case' })).status, 200);
  t.equal((await post(`${base}/supervision/lift`, jmo)).status, 200);

  await h.publish('dispatch', 'ParentsIdentifiedByDna', CASE, {
    taskId: 'task-dna-1',
    caseId: CASE,
    sampleIds: ['s-1', 's-2'],
    matchRef: 'dna-match-secret',
    identifiedAt: new Date().toISOString(),
  });
  await eventually(async () => {
    if (!(await get(base, officer)).json().parents) throw new Error('parents not identified yet');
  }, 20000);
  t.match(await post(`${base}/return-to-parents`, officer, { notes: 'reunited' }), { status: 200 });
  t.equal((await post(`${base}/solve`, officer, { summary: 'three traffickers arrested' })).status, 200);
  t.match(await post(`${base}/group/dissolve`, officer, { reason: 'case solved' }), { status: 200, body: { appended: ['CaseGroupDissolved'] } });

  const masked = (await get(base, auditor)).json();
  t.equal(masked.parents.evidenceRef, '[masked]', 'auditors see no DNA reference');
  t.equal(
    (await get(`${base}?reason=${encodeURIComponent('audit of the DNA identification')}`, auditorWithData)).json().parents.evidenceRef,
    'dna-match-secret',
  );
});

t.test('concurrent commands on one case: never two on the same version', async (t) => {
  const caseId = 'case-race';
  await openCase(caseId);
  await post(`/v1/cases/${caseId}/group`, officer, { chief: chief('county'), packages });
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => post(`/v1/cases/${caseId}/packages/rescue/progress`, officer, { note: `sweep ${i}` })),
  );
  const won = results.filter((r) => r.status === 200);
  const lost = results.filter((r) => r.status !== 200);
  t.ok(won.length >= 1 && lost.length >= 1, `raced: ${won.length} won, ${lost.length} lost`);
  t.ok(lost.every((r) => r.status === 409 && r.body.error?.code === 'CONCURRENCY_CONFLICT' && r.headers['retry-after'] === '0'));
  t.same(new Set(won.map((r) => r.body.version)).size, won.length, 'every winner got its own version');
  t.equal((await get(`/v1/cases/${caseId}`, officer)).json().version, 2 + won.length);
});

t.test('the database refuses a dissolution before solution inserted directly', async (t) => {
  const insert = (type: string, version: number) =>
    h.pool.query(
      `INSERT INTO ledger.events (position, stream_id, stream_version, event_id, type, schema_version, case_id, data, metadata, occurred_at)
       VALUES (nextval('ledger.events_position_seq'), 'case-sql', $2, gen_random_uuid(), $1, 1, 'sql', '{}', '{}', now())`,
      [type, version],
    );
  await t.rejects(insert('CaseGroupDissolved', 1), /CASE_NOT_SOLVED/);
  await insert('CaseSolved', 1);
  await t.resolves(insert('CaseGroupDissolved', 2));
});

t.test('every event of every topic lands in the chain once, in order per case', async (t) => {
  // The rows inserted by hand above carry no envelope metadata: the consumer dead-letters them.
  const { rows } = await h.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ledger.events WHERE stream_id <> 'case-sql'`);
  const caseEvents = Number(rows[0]!.n);
  // alert: CaseOpened ×2 cases + MissingChildReported; dispatch: the DNA identification.
  await eventually(async () => {
    const { rows: e } = await h.pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger.entries');
    if (Number(e[0]!.n) < caseEvents + 4) throw new Error(`${e[0]!.n} of ${caseEvents + 4} entries`);
  }, 30000);
  await new Promise((r) => setTimeout(r, 500));
  const all = await h.pool.query<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM ledger.entries');
  t.equal(Number(all.rows[0]!.n), caseEvents + 4, 'each event once (the redelivered CaseOpened is not chained twice)');
  const entries = await entriesOf(CASE);
  const caseStream = entries.filter((e) => e.stream_id === `case-${CASE}`).map((e) => e.stream_version);
  t.same(
    caseStream,
    [...caseStream].sort((a, b) => a - b),
    'the case stream is chained in its order',
  );
  t.same(
    new Set(entries.map((e) => e.topic)),
    new Set([`${h.prefix}alert.events.v1`, `${h.prefix}dispatch.events.v1`, `${h.prefix}ledger.events.v1`]),
  );

  const verify = await get('/v1/ledger/verify', auditor);
  t.match(verify.json(), { ok: true, violations: [], brokenLinks: 0, entries: caseEvents + 4 });
  t.equal((await get('/v1/ledger/verify', officer)).statusCode, 403);
});

t.test('NDJSON: hashes an auditor can recompute, personal data masked without the grant, opened with it', async (t) => {
  const full = (await get('/v1/ledger?form=sealed', auditorWithData)).body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.equal(full[0].prevHash, '0'.repeat(64));
  for (const [i, line] of full.entries()) {
    t.equal(chainHash(line.prevHash, canonicalJson(line.entry)), line.hash, `entry ${line.seq} re-hashes`);
    if (i > 0) t.equal(line.prevHash, full[i - 1].hash);
  }
  const res = await get('/v1/ledger?from=2&limit=3', auditor);
  t.match(res.headers['content-type'], /application\/x-ndjson/);
  t.same(
    res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).seq),
    [2, 3, 4],
  );
  const masked = (await get('/v1/ledger', auditor)).body;
  t.notMatch(masked, /13812345678|Zhang Xiaoyu|dna-match-secret/, 'no phone, child name or DNA reference');
  t.notMatch(full.map((l) => JSON.stringify(l)).join('\n'), /13812345678/, 'sealed as hashed');
  const opened = (await get('/v1/ledger?reason=export%20for%20the%20annual%20audit', auditorWithData)).body;
  t.match(opened, /13812345678/);
  const stream = (await get(`/v1/ledger/streams/case-${CASE}?from=3`, auditor)).body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.equal(stream[0].entry.streamVersion, 3);
  t.ok(stream.every((l) => l.entry.streamId === `case-${CASE}`));
});

t.test('audit CLI: replay a case as it stood at a time', async (t) => {
  const entries = await h.pool.query<{ entry: string }>(
    `SELECT entry FROM ledger.entries WHERE case_id = $1 AND type = 'HandoverToCivilAffairsAccepted'`,
    [CASE],
  );
  const acceptedAt = JSON.parse(entries.rows[0]!.entry).occurredAt as string;
  const env = { ...process.env, DATABASE_URL: h.db.url };
  const now = await run(process.execPath, [CLI, 'replay', '--case', CASE], { env });
  t.match(now.stdout, /CaseGroupDissolved/);
  t.match(now.stdout, /"solvedAt": "/);
  const then = await run(process.execPath, [CLI, 'replay', '--case', CASE, '--at', acceptedAt], { env });
  t.notMatch(then.stdout, /CaseGroupDissolved/, 'later history is not shown');
  t.match(then.stdout, /"solvedAt": null/);
  t.match(then.stdout, /"acceptedAt": "/);
});

t.test('tampering as a superuser is caught at exactly that entry', async (t) => {
  const target = await h.pool.query<{ seq: string; event_id: string }>(
    `SELECT seq, event_id FROM ledger.entries WHERE type = 'ChildRescued' AND case_id = $1`,
    [CASE],
  );
  const { seq, event_id: eventId } = target.rows[0]!;
  await t.rejects(h.pool.query(`UPDATE ledger.entries SET entry = entry WHERE seq = $1`, [seq]), /append-only/);
  const client = await h.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE ledger.entries DISABLE TRIGGER entries_append_only');
    await client.query(`UPDATE ledger.entries SET entry = replace(entry, $2, 'household-elsewhere') WHERE seq = $1`, [seq, household.id]);
    await client.query('ALTER TABLE ledger.entries ENABLE TRIGGER entries_append_only');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const report = (await get('/v1/ledger/verify', auditor)).json();
  t.equal(report.ok, false);
  t.same(
    report.violations.map((v: { seq: number; eventId: string; rule: string }) => [v.seq, v.eventId, v.rule]),
    [[Number(seq), eventId, 'BROKEN_LINK']],
  );
  const cli = await run(process.execPath, [CLI, 'verify'], { env: { ...process.env, DATABASE_URL: h.db.url } }).then(
    () => ({ code: 0, stdout: '' }),
    (error: { code: number; stdout: string }) => error,
  );
  t.equal(cli.code, 1, 'the CLI exits 1');
  t.match(JSON.parse(cli.stdout), { ok: false, violations: [{ seq: Number(seq), rule: 'BROKEN_LINK' }] });
});
