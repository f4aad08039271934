import { ERASED, newId, signToken, type DomainEvent } from '@rapid-search/events';
import { eventually, tablesHoldingAny, TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import t from 'tap';
import { taskIds } from '../domain/assignment.js';
import { GUANDU, postAs, quickSearch, startHarness, TestConsole } from './harness.js';

const h = await startHarness('dispatch_sealed');
t.teardown(() => h.close());

const CHILD = 'Quillon Sealwright (封存童)';
const REPORTER = 'Marguerite Vaultkeeper';
const PHONE = '13911223344';
const TIPSTER_PHONE = '13755667788';
const PARENTS_PROFILE = 'PROFILE-ZEPHYRINE-7731';
const PARENTS_MATCH = 'MATCH-OBSIDIAN-2093';
const CHILD_PROFILE = 'PROFILE-QUARTZWING-5582';
const SECRETS = [CHILD, '封存童', REPORTER, PHONE, TIPSTER_PHONE, PARENTS_PROFILE, PARENTS_MATCH, CHILD_PROFILE];

const caseId = `case-${newId()}`;
const parentsTask = taskIds.dnaSampling(caseId);
const officer = await h.token('officer');
const lab = await h.token('lab');
const auditor = await h.token('auditor');
const post = (path: string, token: string, body?: unknown) => postAs(h, path, token, body);
const get = async (path: string, token: string) =>
  (await (await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, any>;
const custody = async (taskId: string, token: string) => (await get(`/v1/dna/tasks/${taskId}/custody`, token)).steps as { type: string; data: any }[];

/** A sample through the chain of custody to its profile, then the lab's results for it. */
async function sampled(taskId: string, sampleId: string, donor: string, profileRef: string, matchRef?: string) {
  const base = `/v1/dna/tasks/${taskId}`;
  await post(`${base}/samples`, officer, { sampleId, donor });
  await post(`${base}/samples/${sampleId}/seal`, officer, { sealNumber: `seal-${sampleId}` });
  await post(`${base}/samples/${sampleId}/receipt`, lab, { labId: 'lab-kunming' });
  const entered = await post(`${base}/results`, lab, { sampleId, labId: 'lab-kunming', result: 'profile-entered', profileRef });
  await h.service.projection.caughtUp(Math.max(...(entered.body.positions as number[])));
  if (!matchRef) return [];
  const match = { sampleId, labId: 'lab-kunming', result: 'match', matchRef };
  return [(await post(`${base}/results`, lab, match)).body, (await post(`${base}/results`, lab, match)).body];
}

// Given an alert whose child, reporter and phones are distinctive, a tip, the parents' DNA profile
// and confirmed match, and a child of unknown origin whose confirmed match names the parents' profile.
const reported: DomainEvent = {
  type: 'MissingChildReported',
  data: {
    alertId: `alert-${caseId}`,
    caseId,
    source: '110',
    upstreamSystemId: 'up-110-kunming',
    reportedAt: new Date().toISOString(),
    child: { name: CHILD, sex: 'female', ageYears: 4 },
    lastSeen: { ...GUANDU, at: new Date().toISOString() },
    reporter: { name: REPORTER, phone: PHONE, relation: 'mother' },
  },
};
await h.publish('alert', reported, caseId);
await h.publish('alert', quickSearch(caseId, 1), caseId);
const assigned = await eventually(async () => {
  const task = h.published.find((e) => e.type === 'DnaSamplingTaskAssigned' && e.data.taskId === parentsTask);
  if (!task) throw new Error('no parents task yet');
  return task;
}, 15000);
const centerId = String(assigned.data.commandCenterId);
const tipId = `tip-${newId()}`;
const tip: DomainEvent = {
  type: 'TipReceived',
  data: {
    tipId,
    alertId: `alert-${caseId}`,
    caseId,
    seenAt: new Date().toISOString(),
    place: GUANDU,
    description: 'a girl in a red coat at the market',
    contact: { phone: TIPSTER_PHONE, mayCall: true },
    via: { channel: 'public' },
    receivedAt: new Date().toISOString(),
  },
};
await h.publish('alert', tip, caseId);
const live = await TestConsole.open(h.wsUrl, await h.token('console', centerId));
t.teardown(() => live.close());
const parentsResults = await sampled(parentsTask, 'mother', 'mother', PARENTS_PROFILE, PARENTS_MATCH);
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
const found = { foundAt: new Date().toISOString(), place: GUANDU, apparentAgeYears: 4, sex: 'female', circumstances: 'begging' };
const { childRef, taskId: childTask } = (await post('/v1/dna/unknown-origin-children', officer, found)).body;
const childResults = await sampled(childTask, 'child', 'child', CHILD_PROFILE, PARENTS_PROFILE);

t.test('given the flow, then the lab’s results were decided on their sealed references: confirmed, identified, linked', async (t) => {
  t.match(parentsResults[1], { types: ['DnaMatchFound', 'ParentsIdentifiedByDna'] }, 'the re-test confirms the parents’ match');
  t.match(childResults[1], { types: ['DnaMatchFound', 'UnknownOriginChildMatchedToCase'] }, 'the child’s profile finds the case by its index');
  t.match((await post('/v1/registration-checks', registrar, { childRef })).body, { status: 'blocked', caseRef: caseId });
});

t.test('given the flow, when every table of the dispatch schema is read, then none holds a name, phone or DNA reference in clear', async (t) => {
  await eventually(async () => {
    const release = await get(`/v1/releases/${caseId}`, await h.token('console', centerId));
    if (!release.child) throw new Error('no release yet');
  }, 15000);
  await h.service.projection.caughtUp(Math.max(...(childResults[1]!.positions as number[])));
  await eventually(async () => {
    if (!h.published.some((e) => e.type === 'LeadVerificationTaskAssigned' && e.data.tipId === tipId)) throw new Error('no lead task yet');
  }, 15000);
  t.same(await tablesHoldingAny(h.service.runtime.pool, SECRETS, ['dispatch']), [], 'nothing in clear, the profiles’ index included');
  const { rows } = await h.service.runtime.pool.query('SELECT case_id FROM dispatch.dna_profile_index WHERE task_id = $1', [parentsTask]);
  t.same(rows, [{ case_id: caseId }], 'the parents’ profile is indexed under its case');
});

t.test('given the flow, when the entitled readers ask, then they see the references and the name opened', async (t) => {
  const asLab = await custody(parentsTask, lab);
  t.match(
    asLab.find((s) => s.type === 'DnaProfileEntered'),
    { data: { profileRef: PARENTS_PROFILE } },
    'the lab sees its profile',
  );
  t.match(
    asLab.find((s) => s.type === 'ParentsIdentifiedByDna'),
    { data: { matchRef: PARENTS_MATCH } },
    'and its match',
  );
  const asOfficer = await custody(childTask, officer);
  t.match(
    asOfficer.find((s) => s.type === 'UnknownOriginChildMatchedToCase'),
    { data: { caseId, matchRef: PARENTS_PROFILE } },
    'police see the link',
  );
  const asAuditor = JSON.stringify(await custody(parentsTask, auditor));
  t.ok(asAuditor.includes('[masked]') && !asAuditor.includes('pd1.'), 'auditors see the references masked, not sealed');
  t.match(
    await get(`/v1/releases/${caseId}`, await h.token('console', centerId)),
    { child: { name: CHILD } },
    'the console reads the release’s name',
  );
  t.notMatch(JSON.stringify(await get(`/v1/releases/${caseId}`, officer)), /Vaultkeeper|13911223344/, 'never the reporter');

  const profiled = await live.waitFor(() => live.events().find((e) => e.event.type === 'DnaProfileEntered'));
  t.equal(profiled.event.data.profileRef, PARENTS_PROFILE, 'the live console sees the reference opened');
  const resumed = await TestConsole.open(h.wsUrl, await h.token('console', centerId), { query: 'fromPosition=0' });
  t.teardown(() => resumed.close());
  const replayed = await resumed.waitFor(() => resumed.events().find((e) => e.event.type === 'ParentsIdentifiedByDna'));
  t.equal(replayed.event.data.matchRef, PARENTS_MATCH, 'and so does a resume, read from the store');
});

t.test('given the case’s key erased, when the readers ask again, then its name and references read [erased]', async (t) => {
  t.ok(await h.service.runtime.personal.keyring.erase(caseId));
  t.match(await get(`/v1/releases/${caseId}`, officer), { child: { name: ERASED } });
  t.match(
    (await custody(parentsTask, lab)).find((s) => s.type === 'DnaProfileEntered'),
    { data: { profileRef: ERASED } },
  );
  t.match(
    (await custody(childTask, lab)).find((s) => s.type === 'DnaProfileEntered'),
    { data: { profileRef: CHILD_PROFILE } },
    'the child’s own record has a key of its own',
  );
});
