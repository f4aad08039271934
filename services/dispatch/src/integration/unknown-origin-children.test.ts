import { signToken } from '@rapid-search/events';
import { TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import t from 'tap';
import { GUANDU, postAs, startHarness, TestConsole } from './harness.js';

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
/** The child's sample through the chain of custody, up to its profile in the DNA database. */
async function profile(taskId: string, sampleId: string) {
  const base = `/v1/dna/tasks/${taskId}`;
  await post(`${base}/samples`, officer, { sampleId, donor: 'child' });
  await post(`${base}/samples/${sampleId}/seal`, officer, { sealNumber: `seal-${sampleId}` });
  await post(`${base}/samples/${sampleId}/receipt`, lab, { labId: 'lab-kunming' });
  return post(`${base}/results`, lab, { sampleId, labId: 'lab-kunming', result: 'profile-entered', profileRef: `profile-${sampleId}` });
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
  t.match(await check(childRef), { status: 'blocked', sampleId: 's2' });
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
