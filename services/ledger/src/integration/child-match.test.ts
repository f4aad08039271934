import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import { childComparison } from '../audit/comparison.js';
import { gateClears } from '../domain/registration-rule.js';
import { startHarness } from './harness.js';

const h = await startHarness('ledger_child_match');
t.teardown(() => h.close());

const CASE = 'case-child-match-1';
const officer = await h.token({ role: 'officer', officerId: 'officer-kunming-chen-gang' });
const auditor = await h.token({ role: 'auditor' });
const caseFile = async (token: string) =>
  (await h.service.app.inject({ method: 'GET', url: `/v1/cases/${CASE}`, headers: { authorization: `Bearer ${token}` } })).json();

/** What dispatch publishes when a child of unknown origin's re-tested match names this case's parents. */
const link = {
  childRef: 'child-found-1',
  caseId: CASE,
  taskId: 'dna-sampling-child-found-1',
  sampleId: 's-child',
  matchRef: 'profile-parents-secret',
  parentsTaskId: 'task-dna-parents',
  caseCommandCenterId: 'cc-kunming-guandu',
  caseRegionCode: '530111',
  place: { lat: 29.56, lon: 106.55, regionCode: '500103' },
  placement: { kind: 'household', id: 'household-buyer-1' },
  matchedAt: new Date().toISOString(),
};

t.test(
  'given an open case, when dispatch links a child to it by a confirmed match (twice delivered), then the parents are identified by DNA once',
  async (t) => {
    await h.publish('alert', 'CaseOpened', CASE, {
      caseId: CASE,
      alertId: `alert-${CASE}`,
      regionCode: '530111',
      mechanism: 'homicide-case',
      openedAt: new Date().toISOString(),
    });
    // Two topics keep no order between them: the link is published once the case file is open, as it is in life.
    await eventually(async () => {
      if (!(await caseFile(officer)).opened) throw new Error('case file not open yet');
    }, 20000);
    const eventId = await h.publish('dispatch', 'UnknownOriginChildMatchedToCase', CASE, link);
    await h.publish('dispatch', 'UnknownOriginChildMatchedToCase', CASE, link, eventId);
    const file = await eventually(async () => {
      const body = await caseFile(officer);
      if (!body.parents) throw new Error('parents not identified yet');
      return body;
    }, 20000);
    t.match(file.parents, { method: 'dna', evidenceRef: 'profile-parents-secret' });
    t.equal((await caseFile(auditor)).parents.evidenceRef, '[masked]', 'auditors see no DNA reference');
    const { rows } = await h.pool.query("SELECT count(*)::int AS n FROM ledger.events WHERE case_id = $1 AND type = 'ParentsIdentified'", [CASE]);
    t.equal(rows[0].n, 1, 'a redelivery identifies nothing again');
  },
);

t.test("given a child's comparisons published by dispatch, when its eligibility is asked, then the ledger reads them as the gate does", async (t) => {
  const childRef = 'child-compared-1';
  const sample = { taskId: `dna-sampling-${childRef}`, caseId: childRef, sampleId: 's1', labId: 'lab-kunming' };
  await h.publish('dispatch', 'DnaMatchFound', childRef, {
    ...sample,
    matchRef: 'profile-x',
    confirmation: 'initial',
    foundAt: new Date().toISOString(),
  });
  await eventually(async () => {
    if ((await childComparison(h.pool, childRef)).latest.size === 0) throw new Error('no comparison recorded yet');
  }, 20000);
  t.notOk(gateClears(await childComparison(h.pool, childRef)), 'a match awaiting its re-test does not clear');
  await h.publish('dispatch', 'DnaNoMatchFound', childRef, { ...sample, reportedAt: new Date().toISOString() });
  await eventually(async () => {
    if (!gateClears(await childComparison(h.pool, childRef))) throw new Error('no-match not recorded yet');
  }, 20000);
  const missing = await h.service.app.inject({
    method: 'POST',
    url: `/v1/cases/${CASE}/registration-eligibility`,
    headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
    payload: '{}',
  });
  t.match(
    { status: missing.statusCode, body: missing.json() },
    { status: 400, body: { error: { message: /childRef/ } } },
    'eligibility names its child',
  );
});
