import { isDeepStrictEqual } from 'node:util';
import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import type { Figures } from '../projections/stats-query.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let officer: string;
let auditor: string;

t.before(async () => {
  h = await startHarness('ledger_stats');
  officer = await h.token({ role: 'officer', officerId: 'officer-kunming-chen-gang' });
  auditor = await h.token({ role: 'auditor' });
});
t.teardown(() => h.close());

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.now();
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const after = (at: string, seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();

interface Stats {
  period: { from: string; to: string };
  regionCode: string;
  real: Figures;
  drills: Figures;
}

const get = (url: string, token = officer) => h.service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
const stats = async (query = '', token = officer): Promise<Stats> => {
  const res = await get(`/v1/stats${query}`, token);
  if (res.statusCode !== 200) throw new Error(`GET /v1/stats${query}: ${res.statusCode} ${res.body}`);
  return res.json<Stats>();
};
const post = async (url: string, body: unknown) => {
  const res = await h.service.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  if (res.statusCode !== 200) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
};

interface Story {
  caseId: string;
  regionCode: string;
  reportedAt: string;
  exercise?: boolean;
  capAlertAfter?: number;
  acksAfter?: number[];
  withdrawn?: boolean;
  rescued?: boolean;
  duplicate?: boolean;
}

/** A case's life as the alert, dispatch and ledger services would publish it: report, release, acknowledgements, close. */
async function live(s: Story): Promise<void> {
  const { caseId, regionCode, reportedAt } = s;
  const alertId = `alert-${caseId}`;
  const options = { exercise: s.exercise === true };
  const place = { lat: 25.04, lon: 102.71, regionCode };
  await h.publish(
    'alert',
    'MissingChildReported',
    caseId,
    {
      alertId,
      caseId,
      source: '110',
      upstreamSystemId: 'up-kunming-110',
      reportedAt,
      child: { name: 'Zhang Xiaoyu', sex: 'female' },
      lastSeen: { ...place, at: reportedAt },
      reporter: { name: 'Liu Fang', phone: '13812345678', relation: 'mother' },
    },
    undefined,
    options,
  );
  await h.publish(
    'alert',
    'CaseOpened',
    caseId,
    { caseId, alertId, regionCode, mechanism: 'homicide-case', openedAt: reportedAt },
    undefined,
    options,
  );
  if (s.duplicate) {
    const linked = {
      caseId,
      alertId,
      source: 'tuanyuan',
      upstreamSystemId: 'up-tuanyuan',
      reportedAt: after(reportedAt, 30),
      linkedAt: after(reportedAt, 31),
    };
    const eventId = await h.publish('alert', 'DuplicateReportLinked', caseId, linked, undefined, options);
    await h.publish('alert', 'DuplicateReportLinked', caseId, linked, eventId, options);
  }
  if (s.capAlertAfter !== undefined) {
    const activatedAt = after(reportedAt, s.capAlertAfter);
    const data = { caseId, alertId, lastSeen: { ...place, at: reportedAt }, radiusKm: 100, activatedAt };
    await h.publish('alert', 'QuickSearchActivated', caseId, data, undefined, options);
  }
  for (const [i, seconds] of (s.acksAfter ?? []).entries()) {
    const data = {
      taskId: `task-${caseId}-${i}`,
      caseId,
      commandCenterId: 'cc-kunming',
      acknowledgedBy: 'officer-1',
      acknowledgedAt: after(reportedAt, seconds),
    };
    await h.publish('dispatch', 'TaskAcknowledged', caseId, data, undefined, options);
  }
  if (s.withdrawn)
    await h.publish('alert', 'AlertClosed', caseId, { caseId, alertId, reason: 'withdrawn', closedAt: after(reportedAt, 600) }, undefined, options);
  if (s.rescued) await rescue(caseId);
}

/** Rescued through the ledger's own route, now: its ChildRescued reaches the projection through ledger.events.v1. */
async function rescue(caseId: string): Promise<void> {
  await eventually(async () => {
    if ((await get(`/v1/cases/${caseId}`)).statusCode !== 200) throw new Error(`case ${caseId} not open yet`);
  }, 20000);
  const chief = { officerId: 'officer-kunming-yang-jianguo', name: 'Yang Jianguo', title: 'Director', unitLevel: 'city' };
  const packages = { investigation: 'officer-kunming-chen-gang', rescue: 'officer-kunming-wang-lei', familySupport: 'officer-kunming-ma-hui' };
  await post(`/v1/cases/${caseId}/group`, { chief, packages });
  await post(`/v1/cases/${caseId}/rescue`, { foundAt: { lat: 25.07, lon: 103.74, regionCode: '530322' } });
}

const stories: Story[] = [
  // Found the same day; a second report of the same child linked to it, delivered twice.
  { caseId: 'case-st-a', regionCode: '530111', reportedAt: ago(2 * HOUR), capAlertAfter: 60, acksAfter: [300], rescued: true, duplicate: true },
  // Found on the third day; the later acknowledgement is not the first.
  { caseId: 'case-st-b', regionCode: '530102', reportedAt: ago(3 * DAY), capAlertAfter: 120, acksAfter: [900, 1200], rescued: true },
  { caseId: 'case-st-c', regionCode: '530111', reportedAt: ago(1 * HOUR), capAlertAfter: 180, withdrawn: true },
  // Guizhou, outside Yunnan (53).
  { caseId: 'case-st-d', regionCode: '520102', reportedAt: ago(5 * HOUR), capAlertAfter: 600 },
  // Before the default period of 30 days.
  { caseId: 'case-st-f', regionCode: '530111', reportedAt: ago(40 * DAY), capAlertAfter: 45 },
  // A drill: everything it causes is marked exercise.
  { caseId: 'case-st-e', regionCode: '530111', reportedAt: ago(1 * HOUR), exercise: true, capAlertAfter: 30, acksAfter: [40], withdrawn: true },
];

const REAL: Figures = {
  reports: 5,
  cases: 4,
  withdrawn: 1,
  foundWithin24h: 1,
  foundWithin7d: 2,
  // 60, 120, 180, 600 s: interpolated, p95 = 180 + 0.85 × 420
  reportToFirstCapAlertSeconds: { p50: 150, p95: 537, count: 4 },
  // 300, 900 s
  reportToFirstAckSeconds: { p50: 600, p95: 870, count: 2 },
};
const DRILLS: Figures = {
  reports: 1,
  cases: 1,
  withdrawn: 1,
  foundWithin24h: 0,
  foundWithin7d: 0,
  reportToFirstCapAlertSeconds: { p50: 30, p95: 30, count: 1 },
  reportToFirstAckSeconds: { p50: 40, p95: 40, count: 1 },
};

t.test('given real cases and a drill, when their events have arrived, then /v1/stats counts the real ones and the drill apart', async (t) => {
  for (const story of stories) await live(story);
  const all = await eventually(async () => {
    const s = await stats();
    if (!isDeepStrictEqual(s.real, REAL) || !isDeepStrictEqual(s.drills, DRILLS)) throw new Error(`not yet: ${JSON.stringify(s)}`);
    return s;
  }, 30000).catch(() => stats());
  t.same(all.real, REAL, 'the real cases only');
  t.same(all.drills, DRILLS, 'the drill apart');
  t.equal(all.regionCode, '100000', 'every region by default');
  t.equal(Date.parse(all.period.to) - Date.parse(all.period.from), 30 * DAY, 'the last 30 days by default');
  t.notMatch(JSON.stringify(all), /Zhang|Liu Fang|1381|case-st/, 'no personal data, no case ids');
});

t.test('given those cases, when an auditor asks for Yunnan (530000), then Guizhou is left out', async (t) => {
  const yunnan = await stats('?regionCode=530000', auditor);
  t.match(yunnan.real, { reports: 4, cases: 3, withdrawn: 1, reportToFirstCapAlertSeconds: { p50: 120, p95: 174, count: 3 } });
  t.equal(yunnan.regionCode, '530000');
  t.match((await stats('?regionCode=520100')).real, { cases: 1, reportToFirstCapAlertSeconds: { p50: 600, count: 1 } }, 'Guiyang alone');
});

t.test('given those cases, when the period is 50 to 30 days ago, then only the case reported 40 days ago is in it', async (t) => {
  const s = await stats(`?from=${ago(50 * DAY)}&to=${ago(30 * DAY)}`);
  t.match(s.real, { cases: 1, reports: 1, reportToFirstCapAlertSeconds: { p50: 45, count: 1 } });
  t.match(s.drills, { cases: 0, reportToFirstCapAlertSeconds: { p50: null, p95: null, count: 0 } });
  t.same(s.period, { from: ago(50 * DAY), to: ago(30 * DAY) });
});

t.test('given those cases, when /metrics is read, then each real case is observed once and the drill never', async (t) => {
  const text = (await h.service.app.inject({ url: '/metrics' })).body;
  t.match(text, /rapid_search_report_to_first_cap_alert_seconds_count\{service="ledger"\} 5\n/, 'five real alerts, the drill left out');
  t.match(text, /rapid_search_report_to_first_ack_seconds_count\{service="ledger"\} 2\n/, 'two real acknowledgements, each case once');
  t.match(text, /rapid_search_report_to_first_cap_alert_seconds_bucket\{le="30",service="ledger"\} 0\n/, 'the drill’s 30 s is in no bucket');
});

t.test('given bad parameters, when /v1/stats is asked, then 400 names the field', async (t) => {
  const cases: [string, string][] = [
    ['?from=yesterday', 'query.from'],
    ['?to=2026-13-01T00:00:00Z', 'query.to'],
    [`?from=${ago(DAY)}&to=${ago(2 * DAY)}`, 'query.from'],
    [`?from=${ago(400 * DAY)}&to=${ago(0)}`, 'query.to'],
    ['?regionCode=53', 'query.regionCode'],
  ];
  for (const [query, field] of cases) {
    const res = await get(`/v1/stats${query}`);
    t.equal(res.statusCode, 400, query);
    t.match(res.json(), { error: { code: 'VALIDATION_FAILED', details: { issues: [{ path: field }] } } }, `${query} names ${field}`);
  }
});

t.test('given a console or an upstream system, when it asks for /v1/stats, then 403', async (t) => {
  for (const role of ['console', 'upstream'] as const) {
    const token = await h.token({ role, ...(role === 'console' ? { commandCenterId: 'cc-kunming' } : {}) });
    t.equal((await get('/v1/stats', token)).statusCode, 403, role);
  }
});
