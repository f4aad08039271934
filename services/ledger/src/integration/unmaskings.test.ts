import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import { startHarness, type Harness } from './harness.js';

const CASE = 'case-unmask-1';
const SECRET = 'dna-ref-unmask-secret';
const REASON = 'complaint 2026-118: was the identification sound';

let h: Harness;
let officer: string;
let auditor: string;
let granted: string;

t.before(async () => {
  h = await startHarness('ledger_unmask');
  officer = await h.token({ role: 'officer', officerId: 'officer-kunming-chen-gang' });
  auditor = await h.token({ role: 'auditor' });
  granted = await h.token({ role: 'auditor', sub: 'auditor-provincial-li', grants: ['personal-data'] });
  const openedAt = new Date().toISOString();
  await h.publish('alert', 'CaseOpened', CASE, {
    caseId: CASE,
    alertId: `alert-${CASE}`,
    regionCode: '530111',
    mechanism: 'homicide-case',
    openedAt,
  });
  await eventually(async () => {
    if ((await get(`/v1/cases/${CASE}`, officer)).statusCode !== 200) throw new Error('case not open yet');
  }, 20000);
  const identified = await h.service.app.inject({
    method: 'POST',
    url: `/v1/cases/${CASE}/parents-identified`,
    headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ evidenceRef: SECRET }),
  });
  if (identified.statusCode !== 200) throw new Error(`parents not identified: ${identified.body}`);
});
t.teardown(() => h.close());

const get = (url: string, token: string) => h.service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
const withReason = (url: string, reason: string) => `${url}${url.includes('?') ? '&' : '?'}reason=${encodeURIComponent(reason)}`;

async function recorded(): Promise<{ stream_id: string; case_id: string | null; data: Record<string, unknown> }[]> {
  const { rows } = await h.pool.query<{ stream_id: string; case_id: string | null; data: Record<string, unknown> }>(
    "SELECT stream_id, case_id, data FROM ledger.events WHERE type = 'PersonalDataUnmasked' ORDER BY position",
  );
  return rows;
}

interface Listed {
  unmaskings: { seq: number; caseId: string | null; reader: { id: string }; scope: { kind: string }; route: string; reason: string }[];
  next: string | null;
}

t.test('given an auditor without the grant, when they read the case, then it is masked and nothing is recorded', async (t) => {
  const res = await get(`/v1/cases/${CASE}`, auditor);
  t.equal(res.statusCode, 200);
  t.equal(res.json().parents.evidenceRef, '[masked]');
  t.same(await recorded(), []);
});

t.test('given an officer, who sees the case by role, when they read it, then nothing is recorded', async (t) => {
  t.equal((await get(`/v1/cases/${CASE}`, officer)).json().parents.evidenceRef, SECRET);
  t.same(await recorded(), []);
});

t.test('given an auditor with the grant, when they read without a usable reason, then 400 names query.reason and nothing is recorded', async (t) => {
  for (const url of [`/v1/cases/${CASE}`, withReason(`/v1/cases/${CASE}`, '   '), withReason(`/v1/cases/${CASE}`, 'x'.repeat(501)), '/v1/ledger']) {
    const res = await get(url, granted);
    t.equal(res.statusCode, 400, url.slice(0, 60));
    t.match(res.json(), { error: { code: 'VALIDATION_FAILED', details: { issues: [{ path: 'query.reason' }] } } });
  }
  const hostile = await get(`/v1/cases/${CASE}?reason=why%00not`, granted);
  t.equal(hostile.statusCode, 400, 'U+0000 in the reason is refused by the kit');
  t.same(await recorded(), []);
});

t.test('given an auditor with the grant, when they read the case with a reason, then it is unmasked and recorded first', async (t) => {
  const res = await get(withReason(`/v1/cases/${CASE}`, `  ${REASON} `), granted);
  t.equal(res.statusCode, 200);
  t.equal(res.json().parents.evidenceRef, SECRET);
  const [event] = await recorded();
  t.match(event, {
    stream_id: `unmaskings-${CASE}`,
    case_id: CASE,
    data: {
      reader: { id: 'auditor-provincial-li', role: 'auditor', grants: ['personal-data'] },
      scope: { kind: 'case', caseId: CASE },
      route: 'GET /v1/cases/:caseId',
      reason: REASON,
    },
  });

  const listed = await eventually(async () => {
    const body = (await get(`/v1/ledger/unmaskings?caseId=${CASE}`, auditor)).json<Listed>();
    if (body.unmaskings.length === 0) throw new Error('not on the chain yet');
    return body;
  }, 20000);
  t.match(listed.unmaskings, [{ caseId: CASE, reader: { id: 'auditor-provincial-li' }, scope: { kind: 'case' }, reason: REASON }]);
  const { rows } = await h.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM ledger.entries WHERE type = 'PersonalDataUnmasked' AND case_id = $1 AND topic LIKE '%ledger.events.v1'",
    [CASE],
  );
  t.equal(rows[0]!.n, 1, 'on the chain once, from the ledger topic');
});

t.test(
  'given an auditor with the grant, when they export the ledger with a reason, then the export is recorded and listed by reader and period',
  async (t) => {
    const since = new Date().toISOString();
    const res = await get(withReason('/v1/ledger?from=1&limit=5', 'annual export'), granted);
    t.equal(res.statusCode, 200);
    t.match(res.body, SECRET, 'the export is unmasked');
    const stream = await get(withReason(`/v1/ledger/streams/case-${CASE}`, 'the case stream alone'), granted);
    t.equal(stream.statusCode, 200);
    t.match(
      (await recorded()).map((e) => e.data.scope),
      [{ kind: 'case' }, { kind: 'ledger', fromSeq: 1, limit: 5 }, { kind: 'stream', streamId: `case-${CASE}`, fromVersion: 1 }],
    );

    const page = await eventually(async () => {
      const body = (
        await get(`/v1/ledger/unmaskings?actor=auditor-provincial-li&since=${encodeURIComponent(since)}&limit=1`, auditor)
      ).json<Listed>();
      if (body.next === null) throw new Error('not both on the chain yet');
      return body;
    }, 20000);
    t.match(page.unmaskings, [{ scope: { kind: 'stream' }, caseId: null, route: 'GET /v1/ledger/streams/:streamId' }], 'newest first');
    const rest = (
      await get(`/v1/ledger/unmaskings?actor=auditor-provincial-li&since=${encodeURIComponent(since)}&cursor=${page.next}`, auditor)
    ).json<Listed>();
    t.match(rest, { unmaskings: [{ scope: { kind: 'ledger' }, reason: 'annual export' }], next: null });
    t.same((await get('/v1/ledger/unmaskings?actor=someone-else', auditor)).json<Listed>().unmaskings, []);
    t.equal((await get('/v1/ledger/unmaskings?cursor=bogus', auditor)).statusCode, 400);
  },
);

t.test('given an unmasking the alert service recorded, when it reaches the chain, then it is listed with the alert topic', async (t) => {
  const caseId = 'case-unmask-alert';
  await h.publish('alert', 'PersonalDataUnmasked', caseId, {
    reader: { id: 'auditor-city-wu', role: 'auditor', grants: ['personal-data'] },
    scope: { kind: 'case', caseId },
    route: 'GET /v1/alerts/:alertId',
    reason: 'review of the public release',
    unmaskedAt: new Date().toISOString(),
  });
  const listed = await eventually(async () => {
    const body = (await get(`/v1/ledger/unmaskings?caseId=${caseId}`, auditor)).json<Listed & { unmaskings: { topic: string }[] }>();
    if (body.unmaskings.length === 0) throw new Error('not on the chain yet');
    return body;
  }, 20000);
  t.match(listed.unmaskings, [{ topic: `${h.prefix}alert.events.v1`, route: 'GET /v1/alerts/:alertId', reader: { id: 'auditor-city-wu' } }]);
});

t.test('given the recorded unmaskings on the chain, when an auditor verifies, then the chain holds', async (t) => {
  t.match((await get('/v1/ledger/verify', auditor)).json(), { ok: true, brokenLinks: 0, violations: [] });
});

t.test('given the ledger cannot record an unmasking, when an auditor with the grant reads, then the read fails and shows nothing', async (t) => {
  await h.pool.query(`CREATE TRIGGER refuse_unmaskings BEFORE INSERT ON ledger.events
    FOR EACH ROW WHEN (NEW.type = 'PersonalDataUnmasked') EXECUTE FUNCTION ledger.refuse_history_rewrite()`);
  t.teardown(() => h.pool.query('DROP TRIGGER refuse_unmaskings ON ledger.events'));
  const before = (await recorded()).length;
  for (const url of [withReason(`/v1/cases/${CASE}`, REASON), withReason('/v1/ledger', REASON)]) {
    const res = await get(url, granted);
    t.ok(res.statusCode >= 500, `${url.slice(0, 30)}: ${res.statusCode}`);
    t.notMatch(res.body, SECRET);
  }
  t.equal((await recorded()).length, before);
});
