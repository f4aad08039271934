import { newId, type DomainEvent } from '@rapid-search/events';
import t from 'tap';
import { GUANDU, quickSearch, startHarness } from './harness.js';

const h = await startHarness('dispatch_releases');
t.teardown(() => h.close());

const caseId = `case-${newId()}`;
const reported: DomainEvent = {
  type: 'MissingChildReported',
  data: {
    alertId: `alert-${caseId}`,
    caseId,
    source: '110',
    upstreamSystemId: 'up-110-kunming',
    reportedAt: new Date().toISOString(),
    child: { name: 'Li Xiaoming', sex: 'male', ageYears: 6, description: 'red jacket', photoUrl: 'https://photos.example.cn/li.jpg' },
    lastSeen: { ...GUANDU, at: new Date().toISOString(), address: 'Guandu market' },
    reporter: { name: 'Li Wei', phone: '13800000000', relation: 'father' },
  },
};
const get = async (path: string, token: string) => {
  const res = await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
};
const until = async (read: () => Promise<{ status: number; text: string }>, check: (r: { status: number; text: string }) => boolean) => {
  for (const deadline = Date.now() + 15000; ; await new Promise((r) => setTimeout(r, 100))) {
    const answer = await read();
    if (check(answer) || Date.now() > deadline) return answer;
  }
};

t.test('given a reported alert, its quick search and a widening, when the centre’s console asks, then it reads the public release', async (t) => {
  await h.publish('alert', reported, caseId);
  await h.publish('alert', quickSearch(caseId, 3), caseId);
  const lastSeen = { lat: GUANDU.lat, lon: GUANDU.lon, regionCode: GUANDU.regionCode };
  await h.publish(
    'alert',
    {
      type: 'PublicReleaseRadiusWidened',
      data: { caseId, alertId: `alert-${caseId}`, center: lastSeen, fromKm: 3, toKm: 200, dueAt: new Date().toISOString() },
    },
    caseId,
  );
  const guandu = await h.token('console', 'cc-kunming-guandu');
  const answer = await until(
    () => get(`/v1/releases/${caseId}`, guandu),
    (r) => r.status === 200 && (JSON.parse(r.text) as { radiusKm: number }).radiusKm === 200,
  );
  t.equal(answer.status, 200);
  t.match(JSON.parse(answer.text), {
    caseId,
    child: { name: 'Li Xiaoming', description: 'red jacket', photoUrl: 'https://photos.example.cn/li.jpg' },
    lastSeen: { address: 'Guandu market' },
    radiusKm: 200,
    closed: null,
    exercise: false,
  });
  t.notMatch(answer.text, /Li Wei|13800000000|father/, 'nothing of the reporter');
  t.equal((await get(`/v1/releases/${caseId}`, await h.token('officer'))).status, 200, 'an officer reads it too');
});

t.test('given a centre with no task of the case, when its console asks, then it is told nothing', async (t) => {
  const xian = await h.token('console', 'cc-xian');
  const answer = await get(`/v1/releases/${caseId}`, xian);
  t.equal(answer.status, 404);
  t.notMatch(answer.text, /Li Xiaoming/);
});

t.test('given a console, when it asks for its centre’s hubs, then it gets them with their Chinese names, and not another centre’s', async (t) => {
  const guandu = await h.token('console', 'cc-kunming-guandu');
  const mine = await get('/v1/command-centers/cc-kunming-guandu/hubs', guandu);
  t.equal(mine.status, 200);
  const { hubs } = JSON.parse(mine.text) as { hubs: { id: string; nameZh?: string; commandCenterId: string }[] };
  t.ok(hubs.length > 0 && hubs.every((x) => x.commandCenterId === 'cc-kunming-guandu'));
  t.match(
    hubs.find((x) => x.id === 'hub-kunming-railway-station'),
    { nameZh: '昆明站' },
  );
  const other = await get('/v1/command-centers/cc-kunming/hubs', guandu);
  t.equal(other.status, 403);
  t.match(JSON.parse(other.text), { error: { code: 'CENTER_NOT_YOURS' } });
});
