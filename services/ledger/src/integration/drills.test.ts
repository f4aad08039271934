import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import { startHarness } from './harness.js';

const h = await startHarness('ledger_drills');
t.teardown(() => h.close());

const officer = await h.token({ role: 'officer', officerId: 'officer-kunming-chen-gang' });
const chief = { officerId: 'officer-kunming-yang-jianguo', name: 'Yang Jianguo', title: 'Director', unitLevel: 'city' };
const packages = { investigation: 'officer-kunming-chen-gang', rescue: 'officer-kunming-wang-lei', familySupport: 'officer-kunming-guandu-ma-hui' };
const open = async (caseId: string, exercise: boolean) => {
  const data = { caseId, alertId: `alert-${caseId}`, regionCode: '530111', mechanism: 'homicide-case', openedAt: new Date().toISOString() };
  await h.publish('alert', 'CaseOpened', caseId, data, undefined, { exercise });
  return eventually(async () => {
    const res = await h.service.app.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: { authorization: `Bearer ${officer}` } });
    if (res.statusCode !== 200) throw new Error(`case ${caseId} not open yet: ${res.statusCode}`);
    return res.json<{ exercise: boolean }>();
  }, 20000);
};
const marks = async (caseId: string) =>
  (
    await h.pool.query<{ type: string; exercise: boolean | null }>(
      "SELECT type, (metadata->>'exercise')::boolean AS exercise FROM ledger.events WHERE case_id = $1 ORDER BY position",
      [caseId],
    )
  ).rows;

t.test('given a drill’s case opened, when an officer forms its group, then the case file and every event of it are a drill’s', async (t) => {
  const view = await open('case-drill', true);
  t.equal(view.exercise, true, 'the case view says so');
  const formed = await h.service.app.inject({
    method: 'POST',
    url: '/v1/cases/case-drill/group',
    headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ chief, packages }),
  });
  t.equal(formed.statusCode, 200);
  t.same(await marks('case-drill'), [
    { type: 'CaseFileOpened', exercise: true },
    { type: 'CaseGroupFormed', exercise: true },
  ]);
});

t.test('given a real case opened, then nothing of it is marked a drill', async (t) => {
  const view = await open('case-real', false);
  t.equal(view.exercise, false);
  t.same(await marks('case-real'), [{ type: 'CaseFileOpened', exercise: null }]);
});

t.test('given a case, when its alert closes as withdrawn, then the case file records the withdrawal once', async (t) => {
  await open('case-withdrawn', false);
  const closed = { caseId: 'case-withdrawn', alertId: 'alert-case-withdrawn', reason: 'withdrawn', closedAt: new Date().toISOString() };
  const eventId = await h.publish('alert', 'AlertClosed', 'case-withdrawn', closed);
  await h.publish('alert', 'AlertClosed', 'case-withdrawn', closed, eventId);
  const view = await eventually(async () => {
    const res = await h.service.app.inject({ method: 'GET', url: '/v1/cases/case-withdrawn', headers: { authorization: `Bearer ${officer}` } });
    const body = res.json<{ withdrawnAt: string | null }>();
    if (!body.withdrawnAt) throw new Error('not withdrawn yet');
    return body;
  }, 20000);
  t.equal(view.withdrawnAt, closed.closedAt);
  t.same(
    (await marks('case-withdrawn')).map((m) => m.type),
    ['CaseFileOpened', 'ReportWithdrawn'],
  );
  const post = (url: string, body: unknown) =>
    h.service.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  t.equal((await post('/v1/cases/case-withdrawn/group', { chief, packages })).statusCode, 200);
  const dissolved = await post('/v1/cases/case-withdrawn/group/dissolve', { reason: 'the report was false' });
  t.equal(dissolved.statusCode, 200, 'its group may stand down: there is no case to solve');
});
