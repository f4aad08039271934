import { isSealed, newId, signToken } from '@rapid-search/events';
import { eventually, TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import t from 'tap';
import { taskIds } from '../domain/assignment.js';
import { GUANDU, postAs, quickSearch, startHarness, TestConsole } from './harness.js';

const h = await startHarness('dispatch_children');
t.teardown(() => h.close());

const officer = await h.token('officer');
const lab = await h.token('lab');
const registrar = await signToken(
  {
    sub: 'officer-hukou',
    role: 'officer',
    officerId: 'officer-hukou',
    unit: { id: 'cc-kunming', regionCode: '530100' },
    grants: ['household-registration'],
  },
  TEST_SIGNING_KEY,
);

const post = (path: string, token: string, body?: unknown) => postAs(h, path, token, body);
const child = (circumstances: string) => ({
  foundAt: new Date().toISOString(),
  place: { ...GUANDU, address: 'a railway station square' },
  apparentAgeYears: 3,
  sex: 'male',
  circumstances,
});
/** A sample through the chain of custody, up to its profile in the DNA database. */
async function profile(taskId: string, sampleId: string, donor = 'child', profileRef = `profile-${sampleId}`) {
  const base = `/v1/dna/tasks/${taskId}`;
  await post(`${base}/samples`, officer, { sampleId, donor });
  await post(`${base}/samples/${sampleId}/seal`, officer, { sealNumber: `seal-${sampleId}` });
  await post(`${base}/samples/${sampleId}/receipt`, lab, { labId: 'lab-kunming' });
  return post(`${base}/results`, lab, { sampleId, labId: 'lab-kunming', result: 'profile-entered', profileRef });
}
const check = async (childRef: string) => (await post('/v1/registration-checks', registrar, { childRef })).body;

t.test('given a begging child recorded, when the lab reports no match, then the registration is cleared', async (t) => {
  const recorded = await post('/v1/dna/unknown-origin-children', officer, child('begging'));
  t.equal(recorded.status, 201);
  const { childRef, taskId, commandCenterId } = recorded.body;
  const console = await TestConsole.open(h.wsUrl, await h.token('console', commandCenterId));
  t.teardown(() => console.ws.close());
  const task = await console.waitFor(() => console.messages.find((m) => JSON.stringify(m).includes(childRef)));
  t.match(JSON.stringify(task), /child-of-unknown-origin/, "the sampling task reaches the local centre's console");
  t.match(await check(childRef), { status: 'pending', taskId }, 'pending while there is no result');
  t.match(await profile(taskId, 's1'), { status: 200 });
  t.match(await check(childRef), { status: 'pending' }, 'a profile not yet compared does not clear');
  await post(`/v1/dna/tasks/${taskId}/results`, lab, { sampleId: 's1', labId: 'lab-kunming', result: 'no-match' });
  t.match(await check(childRef), { status: 'cleared', sampleId: 's1' });
});

t.test('given a child whose match is confirmed by a re-test, when checked, then the registration is blocked', async (t) => {
  const { childRef, taskId } = (await post('/v1/dna/unknown-origin-children', officer, child('registration-application'))).body;
  await profile(taskId, 's2');
  const match = { sampleId: 's2', labId: 'lab-kunming', result: 'match', matchRef: 'profile-parents-1' };
  await post(`/v1/dna/tasks/${taskId}/results`, lab, match);
  t.match(await check(childRef), { status: 'pending' }, 'a single unconfirmed match neither clears nor blocks');
  await post(`/v1/dna/tasks/${taskId}/results`, lab, match);
  const blocked = await check(childRef);
  t.match(blocked, { status: 'blocked', sampleId: 's2' });
  t.notOk('caseRef' in blocked, 'a profile no case of this system holds links the child to no case');
});

t.test('given a recorded child, when an officer without the grant or a lab checks, then 403 NO_REGISTRATION_GRANT', async (t) => {
  const { childRef } = (await post('/v1/dna/unknown-origin-children', officer, child('household'))).body;
  t.match(await post('/v1/registration-checks', officer, { childRef }), { status: 403, body: { error: { code: 'NO_REGISTRATION_GRANT' } } });
  t.match(await post('/v1/registration-checks', lab, { childRef }), { status: 403 });
  t.match(await post('/v1/dna/unknown-origin-children', officer, { ...child('begging'), apparentAgeYears: -1 }), {
    status: 400,
    body: { error: { message: /apparentAgeYears/ } },
  });
});

t.test(
  "given an open case whose parents were sampled, when a second child's match to them is confirmed, then it is linked to the case",
  async (t) => {
    const caseId = `case-${newId()}`;
    await h.publish('alert', quickSearch(caseId, 1), caseId);
    const parentsTask = taskIds.dnaSampling(caseId);
    const assigned = await eventually(async () => {
      const task = h.published.find((e) => e.type === 'DnaSamplingTaskAssigned' && e.data.taskId === parentsTask);
      if (!task) throw new Error('no parents task yet');
      return task;
    }, 15000);
    const parentsProfile = `profile-parents-${caseId}`;
    const entered = await profile(parentsTask, `mother-${caseId}`, 'mother', parentsProfile);
    t.match(entered, { status: 200 });
    // The profile's blind index is kept by the tasks' projection: the lab's match is looked up in it.
    await h.service.projection.caughtUp(Math.max(...(entered.body.positions as number[])));
    const caseConsole = await TestConsole.open(h.wsUrl, await h.token('console', String(assigned.data.commandCenterId)));
    t.teardown(() => caseConsole.ws.close());

    const found = { ...child('household'), placement: { kind: 'household', id: 'household-buyer-1', address: 'a village house' } };
    const { childRef, taskId } = (await post('/v1/dna/unknown-origin-children', officer, found)).body;
    await profile(taskId, 's3');
    const match = { sampleId: 's3', labId: 'lab-kunming', result: 'match', matchRef: parentsProfile };
    t.match(
      await post(`/v1/dna/tasks/${taskId}/results`, lab, match),
      { status: 200, body: { types: ['DnaMatchFound'] } },
      'a first match links nothing',
    );
    t.match(await post(`/v1/dna/tasks/${taskId}/results`, lab, match), {
      status: 200,
      body: { types: ['DnaMatchFound', 'UnknownOriginChildMatchedToCase'] },
    });

    const [link] = await eventually(async () => {
      const links = h.published.filter((e) => e.type === 'UnknownOriginChildMatchedToCase' && e.data.childRef === childRef);
      if (links.length === 0) throw new Error('no link published yet');
      return links;
    }, 15000);
    t.ok(isSealed(link!.data.matchRef), 'the reference travels sealed');
    t.match(
      { ...link, data: await h.service.runtime.personal.open(link!.data) },
      { caseId, data: { caseId, parentsTaskId: parentsTask, matchRef: parentsProfile } },
      'the case file (ledger) reads this to identify the parents',
    );

    const escort = await caseConsole.waitFor(() =>
      caseConsole.events().find((m) => m.event.type === 'ReunionEscortTaskAssigned' && m.event.data.childRef === childRef),
    );
    t.match(
      escort.event.data,
      { caseId, to: 'identified-parents', buyingHousehold: { id: 'household-buyer-1' } },
      "the case's centre sees the escort to the parents",
    );

    t.match(await check(childRef), { status: 'blocked', sampleId: 's3', caseRef: caseId }, 'a registrar with authority over the case is told which');
    const elsewhere = await signToken(
      {
        sub: 'officer-cq',
        role: 'officer',
        officerId: 'officer-cq',
        unit: { id: 'cc-chongqing', regionCode: '500000' },
        grants: ['household-registration'],
      },
      TEST_SIGNING_KEY,
    );
    t.match(await post('/v1/registration-checks', elsewhere, { childRef }), { status: 403, body: { error: { code: 'NO_AUTHORITY_OVER_CASE' } } });
  },
);

t.test('given a case whose parents were sampled, when it is solved and a child matches them, then the child is linked to no case', async (t) => {
  const caseId = `case-${newId()}`;
  await h.publish('alert', quickSearch(caseId, 1), caseId);
  const parentsTask = taskIds.dnaSampling(caseId);
  await eventually(async () => {
    if (!h.published.some((e) => e.type === 'DnaSamplingTaskAssigned' && e.data.taskId === parentsTask)) throw new Error('no parents task yet');
  }, 15000);
  const parentsProfile = `profile-parents-${caseId}`;
  const entered = await profile(parentsTask, `mother-${caseId}`, 'mother', parentsProfile);
  await h.service.projection.caughtUp(Math.max(...(entered.body.positions as number[])));
  const indexed = async () =>
    (await h.service.runtime.pool.query(`SELECT count(*)::int AS n FROM dispatch.dna_profile_index WHERE case_id = $1`, [caseId])).rows[0].n;
  t.equal(await indexed(), 1, 'the open case’s profile is indexed');

  await h.publish('ledger', { type: 'CaseSolved', data: { caseId, summary: 'solved', solvedAt: new Date().toISOString() } }, caseId);
  await eventually(async () => ((await indexed()) === 0 ? undefined : Promise.reject(new Error('still indexed'))), 15000);

  const { taskId } = (await post('/v1/dna/unknown-origin-children', officer, child('begging'))).body;
  const childProfile = await profile(taskId, `s-solved-${caseId}`);
  t.match(childProfile, { status: 200 }, 'the child’s profile is entered');
  const match = { sampleId: `s-solved-${caseId}`, labId: 'lab-kunming', result: 'match', matchRef: parentsProfile };
  await post(`/v1/dna/tasks/${taskId}/results`, lab, match);
  t.match(
    await post(`/v1/dna/tasks/${taskId}/results`, lab, match),
    { status: 200, body: { types: ['DnaMatchFound'] } },
    'confirmed, yet linked to no case',
  );
});
