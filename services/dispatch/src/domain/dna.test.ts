import t from 'tap';
import type { Actor, DomainEvent } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { dnaDecider, type DnaCommand, type LabResult } from './dna.js';
import { NOW } from './fixtures.test-helper.js';

const taskId = 'task-dna';
const caseId = 'case-1';
const at = NOW.toISOString();
const dnaTask: DomainEvent = {
  type: 'DnaSamplingTaskAssigned',
  data: { taskId, caseId, commandCenterId: 'cc-kunming-guandu', assignedAt: at, deadlineAt: at, subject: 'missing-child-parents' },
};
const officer: Actor = { id: 'officer-1', role: 'officer' };
const lab: Actor = { id: 'lab-1', role: 'lab' };
/** The directory's places: the task's centre is in Guandu district, Kunming. */
const REGIONS: Record<string, string> = { 'cc-kunming-guandu': '530111', 'cc-chongqing': '500000' };
const regionOf = (centerId: string) => REGIONS[centerId];
/** The officers of these tests serve in Kunming, whose jurisdiction holds Guandu. */
const who = (actor: Actor) => ({ actor, regionOf, ...(actor.role === 'officer' ? { unitRegion: '530100' } : {}) });

/** Each step of custody as recorded: the first test proves the decider records exactly these. */
const collected = (sampleId: string): DomainEvent => ({
  type: 'DnaSampleCollected',
  data: { taskId, caseId, sampleId, donor: 'mother', collectedBy: 'officer-1', collectedAt: at },
});
const sealed = (sampleId: string): DomainEvent => ({
  type: 'DnaSampleSealed',
  data: { taskId, caseId, sampleId, sealNumber: `seal-${sampleId}`, sealedBy: 'officer-1', sealedAt: at },
});
const received = (sampleId: string): DomainEvent => ({
  type: 'DnaSampleReceivedByLab',
  data: { taskId, caseId, sampleId, labId: 'lab-kunming', receivedBy: 'lab-1', receivedAt: at },
});
const profiled = (sampleId: string): DomainEvent => ({
  type: 'DnaProfileEntered',
  data: { taskId, caseId, sampleId, labId: 'lab-kunming', profileRef: `profile-${sampleId}`, enteredAt: at },
});
const STEPS = [collected, sealed, received, profiled];
/** A sample's custody up to and including a step. */
const custody = (sampleId: string, upTo: 'collected' | 'sealed' | 'received' | 'profiled'): DomainEvent[] =>
  STEPS.slice(0, ['collected', 'sealed', 'received', 'profiled'].indexOf(upTo) + 1).map((step) => step(sampleId));

const collect = (sampleId: string, actor: Actor = officer): DnaCommand => ({
  kind: 'Collect',
  taskId,
  sampleId,
  ...who(actor),
  now: NOW,
  donor: 'mother',
});
const seal = (sampleId: string, actor: Actor = officer): DnaCommand => ({
  kind: 'Seal',
  taskId,
  sampleId,
  ...who(actor),
  now: NOW,
  sealNumber: `seal-${sampleId}`,
});
const receive = (sampleId: string): DnaCommand => ({ kind: 'Receive', taskId, sampleId, ...who(lab), now: NOW, labId: 'lab-kunming' });
const result = (sampleId: string, r: LabResult): DnaCommand => ({
  kind: 'LabResult',
  taskId,
  sampleId,
  ...who(lab),
  now: NOW,
  labId: 'lab-kunming',
  ...r,
});
const samples = spec(dnaDecider);

t.test('given a DNA task, when each step of custody follows the last, then each records who and when', async (t) => {
  samples(t)
    .given([dnaTask])
    .when(collect('s1'))
    .then([collected('s1')]);
  samples(t)
    .given([dnaTask, ...custody('s1', 'collected')])
    .when(seal('s1'))
    .then([sealed('s1')]);
  samples(t)
    .given([dnaTask, ...custody('s1', 'sealed')])
    .when(receive('s1'))
    .then([received('s1')]);
  samples(t)
    .given([dnaTask, ...custody('s1', 'received')])
    .when(result('s1', { result: 'profile-entered', profileRef: 'profile-s1' }))
    .then([profiled('s1')]);
});

t.test('given a DNA task, when anyone but police collects, then DNA_COLLECTION_POLICE_ONLY', async (t) => {
  samples(t).given([dnaTask]).when(collect('s1', lab)).thenThrows({ code: 'DNA_COLLECTION_POLICE_ONLY', status: 403 });
  samples(t)
    .given([dnaTask])
    .when(collect('s1', { id: 'x', role: 'civil-affairs' }))
    .thenThrows('DNA_COLLECTION_POLICE_ONLY');
  samples(t)
    .given([dnaTask])
    .when(collect('s1', { id: 'c', role: 'console', commandCenterId: 'cc-kunming-guandu' }))
    .thenMatches([{ type: 'DnaSampleCollected' }]);
});

t.test('given a Guandu DNA task, when a console of another centre collects or seals, then TASK_NOT_YOURS', async (t) => {
  const yuxi: Actor = { id: 'c', role: 'console', commandCenterId: 'cc-yuxi' };
  samples(t).given([dnaTask]).when(collect('s1', yuxi)).thenThrows({ code: 'TASK_NOT_YOURS', status: 403 });
  samples(t)
    .given([dnaTask, ...custody('s1', 'collected')])
    .when(seal('s1', yuxi))
    .thenThrows({ code: 'TASK_NOT_YOURS', status: 403 });
});

t.test('given a Guandu DNA task, when an officer whose unit does not hold Guandu collects, then NO_AUTHORITY_OVER_CASE', async (t) => {
  const chongqing = { kind: 'Collect', taskId, sampleId: 's1', actor: officer, regionOf, unitRegion: '500000', now: NOW, donor: 'mother' } as const;
  samples(t).given([dnaTask]).when(chongqing).thenThrows({ code: 'NO_AUTHORITY_OVER_CASE', status: 403 });
  samples(t)
    .given([dnaTask])
    .when({ ...chongqing, unitRegion: undefined })
    .thenThrows('NO_AUTHORITY_OVER_CASE');
});

t.test('given a sample at one step, when a step out of order is asked, then DNA_CUSTODY_ORDER', async (t) => {
  samples(t)
    .given([dnaTask, ...custody('s1', 'collected')])
    .when(receive('s1'))
    .thenThrows({ code: 'DNA_CUSTODY_ORDER', status: 409 });
  samples(t)
    .given([dnaTask, ...custody('s1', 'collected')])
    .when(result('s1', { result: 'profile-entered', profileRef: 'p' }))
    .thenThrows('DNA_CUSTODY_ORDER');
  samples(t)
    .given([dnaTask, ...custody('s1', 'sealed')])
    .when(seal('s1'))
    .thenThrows('DNA_CUSTODY_ORDER');
  samples(t)
    .given([dnaTask, ...custody('s1', 'received')])
    .when(result('s1', { result: 'match', matchRef: 'm' }))
    .thenThrows('DNA_CUSTODY_ORDER');
  samples(t).given([dnaTask]).when(seal('nope')).thenThrows('NOT_FOUND');
  samples(t)
    .given([dnaTask, ...custody('s1', 'collected')])
    .when(collect('s1'))
    .thenThrows('DNA_SAMPLE_EXISTS');
});

t.test('given profiled samples, when a first match is confirmed by the same match, then the parents are identified', async (t) => {
  const history = [dnaTask, ...custody('s1', 'profiled'), ...custody('s2', 'profiled')];
  const first = samples(t)
    .given(history)
    .when(result('s1', { result: 'match', matchRef: 'match-A' }));
  first.thenMatches([{ type: 'DnaMatchFound', data: { confirmation: 'initial', matchRef: 'match-A' } }], 'no identification on a single match');
  const other = samples(t)
    .given([...history, ...first.events])
    .when(result('s2', { result: 'match', matchRef: 'match-B' }));
  other.thenMatches([{ type: 'DnaMatchFound', data: { confirmation: 'initial' } }], 'a different reference is not a confirmation');
  const confirming = samples(t)
    .given([...history, ...first.events, ...other.events])
    .when(result('s1', { result: 'match', matchRef: 'match-A' }));
  confirming.thenMatches([
    { type: 'DnaMatchFound', data: { confirmation: 'confirming', matchRef: 'match-A' } },
    { type: 'ParentsIdentifiedByDna', data: { caseId, matchRef: 'match-A', sampleIds: ['s1'] } },
  ]);
  const after = [...history, ...first.events, ...other.events, ...confirming.events];
  samples(t)
    .given(after)
    .when(result('s2', { result: 'match', matchRef: 'match-A' }))
    .thenThrows('PARENTS_ALREADY_IDENTIFIED');
  samples(t)
    .given(after)
    .when(result('s2', { result: 'no-match' }))
    .thenMatches([{ type: 'DnaNoMatchFound' }], 'a no-match result is still recorded');
});

t.test('given a task that is not a DNA task, or none, when a sample is collected, then it is refused', async (t) => {
  const search: DomainEvent = {
    type: 'SearchTaskAssigned',
    data: {
      taskId,
      caseId,
      commandCenterId: 'cc',
      assignedAt: at,
      deadlineAt: at,
      kind: 'area-search',
      area: { lat: 25, lon: 102, regionCode: '530111', radiusKm: 5 },
    },
  };
  samples(t).given([search]).when(collect('s')).thenThrows('NOT_A_DNA_TASK');
  samples(t).given([]).when(collect('s')).thenThrows('NOT_FOUND');
});
