import { isSealed, newId, signToken } from '@rapid-search/events';
import { TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import t from 'tap';
import { taskIds } from '../domain/assignment.js';
import { GUANDU, interceptionTasks, postAs, quickSearch, startHarness } from './harness.js';

const h = await startHarness('dispatch_dna');
t.teardown(() => h.close());

const caseId = `case-${newId()}`;
const officer = await h.token('officer');
const lab = await h.token('lab');
const auditor = await h.token('auditor');
await h.publish('alert', quickSearch(caseId, 30), caseId);

const seen = async (predicate: (e: (typeof h.published)[number]) => boolean, count = 1) => {
  const deadline = Date.now() + 15000;
  while (h.published.filter(predicate).length < count) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the topic');
    await new Promise((r) => setTimeout(r, 50));
  }
  return h.published.filter(predicate);
};

const post = (path: string, token: string, body?: unknown) => postAs(h, path, token, body);

/** Waits until the case has at least `count` interception tasks out, and returns the hubs of them all. */
const tasked = async (of: string, count: number) => {
  const deadline = Date.now() + 15000;
  while (interceptionTasks(h.published, of).length < count) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the topic');
    await new Promise((r) => setTimeout(r, 50));
  }
  return interceptionTasks(h.published, of).map((task) => task.hub.id);
};

t.test('widening the radius tasks only the newly reached hubs, never twice for one hub', async (t) => {
  await tasked(caseId, h.service.directory.hubsWithin(GUANDU, 30).length);
  const widen = (fromKm: number, toKm: number) => ({
    type: 'PublicReleaseRadiusWidened' as const,
    data: { caseId, alertId: `alert-${caseId}`, center: GUANDU, fromKm, toKm, dueAt: new Date().toISOString() },
  });
  await h.publish('alert', widen(30, 100), caseId);
  await h.publish('alert', widen(30, 100), caseId);
  await h.publish('alert', widen(10, 100), caseId);
  const expected = h.service.directory
    .hubsWithin(GUANDU, 100)
    .map((x) => x.hub.id)
    .sort();
  await tasked(caseId, expected.length);
  // A marker with the same key rides the same partition, after the repeated widenings: once its
  // tasks are out, any duplicate the repeats could have caused would be out too.
  const marker = `case-${newId()}`;
  await h.publish('alert', quickSearch(marker, 1), caseId);
  await seen((e) => e.caseId === marker && e.type === 'SearchTaskAssigned', 2);
  const hubs = await tasked(caseId, expected.length);
  t.same(hubs.sort(), expected, 'every hub within 100 km, each once');
  t.equal(new Set(hubs).size, hubs.length, 'no hub tasked twice');
});

t.test('given a quick-search activation delivered twice, when consumed, then each of its tasks is assigned once', async (t) => {
  const twice = `case-${newId()}`;
  await h.publish('alert', quickSearch(twice, 30), twice, { deliveries: 2 });
  const expected = h.service.directory.hubsWithin(GUANDU, 30).length;
  await tasked(twice, expected);
  // The marker rides the same partition after both deliveries: once its tasks are out, a task the
  // second delivery could have added would be out too.
  const marker = `case-${newId()}`;
  await h.publish('alert', quickSearch(marker, 1), twice);
  await seen((e) => e.caseId === marker && e.type === 'SearchTaskAssigned', 2);
  const hubs = await tasked(twice, expected);
  t.equal(hubs.length, expected, 'one interception task per hub');
  t.equal(new Set(hubs).size, hubs.length, 'no hub tasked twice');
  const assigned = h.published.filter((e) => e.caseId === twice && e.type.endsWith('TaskAssigned'));
  t.equal(new Set(assigned.map((e) => e.streamId)).size, assigned.length, 'no task stream opened twice');
  t.equal(h.published.filter((e) => e.caseId === twice && e.type === 'InterceptionTasksAssigned').length, 1, 'the step assigned once');
});

t.test('the DNA chain of custody is enforced in order, police collect, the lab reports', async (t) => {
  const taskId = taskIds.dnaSampling(caseId);
  await seen((e) => e.type === 'DnaSamplingTaskAssigned' && e.data.taskId === taskId);
  const base = `/v1/dna/tasks/${taskId}`;
  t.match(await post(`${base}/samples`, lab, { donor: 'mother' }), { status: 403, body: { error: { code: 'FORBIDDEN' } } }, 'a lab may not collect');
  const collected = await post(`${base}/samples`, officer, { sampleId: 'sample-mother', donor: 'mother' });
  t.match(collected, { status: 201, body: { sampleId: 'sample-mother', types: ['DnaSampleCollected'] } });
  t.match(await post(`${base}/samples`, officer, { sampleId: 'sample-mother', donor: 'mother' }), {
    status: 409,
    body: { error: { code: 'DNA_SAMPLE_EXISTS' } },
  });
  t.match(
    await post(`${base}/samples/sample-mother/receipt`, lab, { labId: 'lab-yunnan' }),
    { status: 409, body: { error: { code: 'DNA_CUSTODY_ORDER' } } },
    'no receipt before the seal',
  );
  t.match(await post(`${base}/results`, lab, { sampleId: 'sample-mother', labId: 'lab-yunnan', result: 'profile-entered', profileRef: 'P-1' }), {
    status: 409,
    body: { error: { code: 'DNA_CUSTODY_ORDER' } },
  });
  t.match(await post(`${base}/samples/sample-mother/seal`, officer, { sealNumber: 'SEAL-001' }), {
    status: 200,
    body: { types: ['DnaSampleSealed'] },
  });
  t.match(await post(`${base}/samples/sample-mother/receipt`, officer, { labId: 'lab-yunnan' }), { status: 403 }, 'only the lab receives');
  t.match(await post(`${base}/samples/sample-mother/receipt`, lab, { labId: 'lab-yunnan' }), {
    status: 200,
    body: { types: ['DnaSampleReceivedByLab'] },
  });
  t.match(
    await post(`${base}/results`, officer, { sampleId: 'sample-mother', labId: 'lab-yunnan', result: 'no-match' }),
    { status: 403 },
    'results only from the lab',
  );
  t.match(
    await post(`${base}/results`, lab, { sampleId: 'sample-mother', labId: 'lab-yunnan', result: 'match' }),
    { status: 400 },
    'a match needs its reference',
  );
  t.match(await post(`${base}/results`, lab, { sampleId: 'sample-mother', labId: 'lab-yunnan', result: 'profile-entered', profileRef: 'P-1' }), {
    status: 200,
    body: { types: ['DnaProfileEntered'] },
  });
  t.match(await post(`${base}/results`, lab, { sampleId: 'sample-mother', labId: 'lab-yunnan', result: 'match', matchRef: 'M-7' }), {
    status: 200,
    body: { types: ['DnaMatchFound'] },
  });
  t.match(await post(`${base}/results`, lab, { sampleId: 'sample-mother', labId: 'lab-yunnan', result: 'match', matchRef: 'M-7' }), {
    status: 200,
    body: { types: ['DnaMatchFound', 'ParentsIdentifiedByDna'] },
  });
  const [identified] = await seen((e) => e.type === 'ParentsIdentifiedByDna' && e.caseId === caseId);
  t.ok(isSealed(identified!.data.matchRef), 'the reference travels sealed');
  t.match(await h.service.runtime.personal.open(identified!.data), { taskId, caseId, matchRef: 'M-7', sampleIds: ['sample-mother'] });
  const custody = h.published.filter((e) => e.streamId === `dna-${taskId}`);
  t.same(
    custody.map((e) => e.type),
    [
      'DnaSampleCollected',
      'DnaSampleSealed',
      'DnaSampleReceivedByLab',
      'DnaProfileEntered',
      'DnaMatchFound',
      'DnaMatchFound',
      'ParentsIdentifiedByDna',
    ],
  );
  t.same(
    custody.map((e) => e.metadata.actor.role),
    ['officer', 'officer', 'lab', 'lab', 'lab', 'lab', 'lab'],
    'each step records who',
  );
  t.match(custody[4]!.data, { confirmation: 'initial' });
  t.match(custody[5]!.data, { confirmation: 'confirming' });
  t.notOk(JSON.stringify(custody).includes('"profile"'), 'only references travel, never a profile');
  t.match(await post(`${base}/samples`, auditor, { donor: 'father' }), { status: 403 });
  const custodyAs = async (token: string) =>
    (await (await fetch(`${h.baseUrl}${base}/custody`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      steps: { type: string; data: Record<string, unknown> }[];
    };
  const asAuditor = await custodyAs(auditor);
  t.equal(asAuditor.steps.length, 7, 'auditors see every custody step');
  t.notOk(JSON.stringify(asAuditor).includes('M-7') || JSON.stringify(asAuditor).includes('P-1'), 'but no DNA references');
  t.match((await custodyAs(lab)).steps[3], { type: 'DnaProfileEntered', data: { profileRef: 'P-1' } }, 'the lab sees them');
});

t.test(
  'given a Guandu DNA task, when other centres or an officer from elsewhere act on or read its custody, then 403 and nothing is stored',
  async (t) => {
    const taskId = taskIds.dnaSampling(caseId);
    const base = `/v1/dna/tasks/${taskId}`;
    const before = h.published.filter((e) => e.streamId === `dna-${taskId}`).length;
    const yuxi = await h.token('console', 'cc-yuxi');
    const chongqing = await h.token('console', 'cc-chongqing');
    const xianOfficer = await signToken(
      { sub: 'officer-xian', role: 'officer', officerId: 'officer-xian', unit: { id: 'cc-xian', regionCode: '610100' } },
      TEST_SIGNING_KEY,
    );
    t.match(await post(`${base}/samples`, yuxi, { sampleId: 'sample-yuxi', donor: 'father' }), {
      status: 403,
      body: { error: { code: 'TASK_NOT_YOURS' } },
    });
    t.match(await post(`${base}/samples/sample-mother/seal`, yuxi, { sealNumber: 'SEAL-X' }), { status: 403 });
    t.match(await post(`${base}/samples`, xianOfficer, { sampleId: 'sample-xian', donor: 'father' }), {
      status: 403,
      body: { error: { code: 'NO_AUTHORITY_OVER_CASE' } },
    });
    const read = await fetch(`${h.baseUrl}${base}/custody`, { headers: { authorization: `Bearer ${chongqing}` } });
    t.equal(read.status, 403);
    t.notOk((await read.text()).includes('M-7'), 'no reference in the refusal');
    t.match(
      await post(`${base}/samples`, await h.token('console', 'cc-kunming-guandu'), { sampleId: 'sample-father', donor: 'father' }),
      { status: 201 },
      'the owning centre may',
    );
    await new Promise((r) => setTimeout(r, 500));
    t.equal(h.published.filter((e) => e.streamId === `dna-${taskId}`).length, before + 1, "only the owner's sample was stored");
  },
);

t.test('a handover to civil affairs assigns the escort to the center where the child is', async (t) => {
  const handoverId = `handover-${newId()}`;
  await h.publish(
    'ledger',
    {
      type: 'HandoverToCivilAffairsInitiated',
      data: {
        caseId,
        handoverId,
        institution: { id: 'ca-kunming-childrens-welfare-institute', name: 'Kunming Children’s Welfare Institute', kind: 'children-welfare' },
        foundInHouseholdId: 'household-luliang',
        placement: { kind: 'institution', id: 'ca-kunming-childrens-welfare-institute' },
        childLocation: { lat: 25.03, lon: 103.67, regionCode: '530322' },
        materials: ['case file'],
        initiatedAt: new Date().toISOString(),
      },
    },
    caseId,
  );
  const [escort] = await seen((e) => e.type === 'EscortTaskAssigned' && e.data.handoverId === handoverId);
  t.match(escort!.data, {
    taskId: taskIds.escort(caseId, handoverId),
    commandCenterId: h.service.directory.centerForRegion('530322').id,
    institutionId: 'ca-kunming-childrens-welfare-institute',
  });
  t.equal(h.service.directory.centerForRegion('530322').id, 'cc-qujing');
});
