import t from 'tap';
import type { Actor, DomainEvent } from '@rapid-search/events';
import { decideCollect, decideLabResult, decideReceive, decideSeal, replayDna, type LabResult } from './dna.js';
import { NOW } from './fixtures.test-helper.js';
import { replayTask } from './task.js';

const dnaTask = replayTask([
  {
    type: 'DnaSamplingTaskAssigned',
    data: {
      taskId: 'task-dna',
      caseId: 'case-1',
      commandCenterId: 'cc-kunming-guandu',
      assignedAt: NOW.toISOString(),
      deadlineAt: NOW.toISOString(),
      subject: 'missing-child-parents',
    },
  },
]);
const officer: Actor = { id: 'officer-1', role: 'officer' };
const lab: Actor = { id: 'lab-1', role: 'lab' };
const base = (sampleId: string, actor: Actor) => ({ taskId: 'task-dna', sampleId, actor, now: NOW });

function custody(sampleId: string, upTo: 'collected' | 'sealed' | 'received' | 'profiled', history: DomainEvent[] = []): DomainEvent[] {
  const events = [...history];
  const step = (e: DomainEvent[]) => events.push(...e);
  step(decideCollect(dnaTask, replayDna(events), { ...base(sampleId, officer), donor: 'mother' }));
  if (upTo === 'collected') return events;
  step(decideSeal(dnaTask, replayDna(events), { ...base(sampleId, officer), sealNumber: `seal-${sampleId}` }));
  if (upTo === 'sealed') return events;
  step(decideReceive(dnaTask, replayDna(events), { ...base(sampleId, lab), labId: 'lab-kunming' }));
  if (upTo === 'received') return events;
  step(result(events, sampleId, { result: 'profile-entered', profileRef: `profile-${sampleId}` }));
  return events;
}
const result = (events: DomainEvent[], sampleId: string, r: LabResult) =>
  decideLabResult(dnaTask, replayDna(events), { ...base(sampleId, lab), labId: 'lab-kunming', ...r });

t.test('the custody chain in order records who and when at each step', async (t) => {
  const events = custody('s1', 'profiled');
  t.same(events.map((e) => e.type), ['DnaSampleCollected', 'DnaSampleSealed', 'DnaSampleReceivedByLab', 'DnaProfileEntered']);
  t.match(events[0], { data: { collectedBy: 'officer-1', collectedAt: NOW.toISOString(), donor: 'mother' } });
  t.match(events[2], { data: { receivedBy: 'lab-1', labId: 'lab-kunming' } });
});

t.test('only police may collect', async (t) => {
  t.throws(() => decideCollect(dnaTask, replayDna([]), { ...base('s1', lab), donor: 'father' }), { code: 'DNA_COLLECTION_POLICE_ONLY', status: 403 });
  t.throws(() => decideCollect(dnaTask, replayDna([]), { ...base('s1', { id: 'x', role: 'civil-affairs' }), donor: 'father' }), {
    code: 'DNA_COLLECTION_POLICE_ONLY',
  });
  t.match(decideCollect(dnaTask, replayDna([]), { ...base('s1', { id: 'c', role: 'console', commandCenterId: 'cc' }), donor: 'father' }), [
    { type: 'DnaSampleCollected' },
  ]);
});

t.test('out of order steps are refused with DNA_CUSTODY_ORDER', async (t) => {
  const collected = custody('s1', 'collected');
  t.throws(() => decideReceive(dnaTask, replayDna(collected), { ...base('s1', lab), labId: 'lab' }), { code: 'DNA_CUSTODY_ORDER', status: 409 });
  t.throws(() => result(collected, 's1', { result: 'profile-entered', profileRef: 'p' }), { code: 'DNA_CUSTODY_ORDER' });
  const sealed = custody('s1', 'sealed');
  t.throws(() => decideSeal(dnaTask, replayDna(sealed), { ...base('s1', officer), sealNumber: 'again' }), { code: 'DNA_CUSTODY_ORDER' });
  t.throws(() => result(custody('s1', 'received'), 's1', { result: 'match', matchRef: 'm' }), { code: 'DNA_CUSTODY_ORDER' });
  t.throws(() => decideSeal(dnaTask, replayDna([]), { ...base('nope', officer), sealNumber: 'x' }), { code: 'NOT_FOUND' });
  t.throws(() => decideCollect(dnaTask, replayDna(collected), { ...base('s1', officer), donor: 'mother' }), { code: 'DNA_SAMPLE_EXISTS' });
});

t.test('a first match is initial; the same match confirmed identifies the parents', async (t) => {
  const history = custody('s2', 'profiled', custody('s1', 'profiled'));
  const first = result(history, 's1', { result: 'match', matchRef: 'match-A' });
  t.match(first, [{ type: 'DnaMatchFound', data: { confirmation: 'initial', matchRef: 'match-A' } }]);
  t.equal(first.length, 1, 'no identification on a single match');
  const other = result([...history, ...first], 's2', { result: 'match', matchRef: 'match-B' });
  t.match(other, [{ type: 'DnaMatchFound', data: { confirmation: 'initial' } }], 'a different reference is not a confirmation');
  const confirming = result([...history, ...first, ...other], 's1', { result: 'match', matchRef: 'match-A' });
  t.match(confirming, [
    { type: 'DnaMatchFound', data: { confirmation: 'confirming', matchRef: 'match-A' } },
    { type: 'ParentsIdentifiedByDna', data: { caseId: 'case-1', matchRef: 'match-A', sampleIds: ['s1'] } },
  ]);
  const after = [...history, ...first, ...other, ...confirming];
  t.throws(() => result(after, 's2', { result: 'match', matchRef: 'match-A' }), { code: 'PARENTS_ALREADY_IDENTIFIED' });
  t.match(result(after, 's2', { result: 'no-match' }), [{ type: 'DnaNoMatchFound' }], 'a no-match result is still recorded');
});

t.test('DNA steps on a task that is not a DNA task are refused', async (t) => {
  const search = replayTask([
    {
      type: 'SearchTaskAssigned',
      data: {
        taskId: 't',
        caseId: 'c',
        commandCenterId: 'cc',
        assignedAt: NOW.toISOString(),
        deadlineAt: NOW.toISOString(),
        kind: 'area-search',
        area: { lat: 25, lon: 102, regionCode: '530111', radiusKm: 5 },
      },
    },
  ]);
  t.throws(() => decideCollect(search, replayDna([]), { ...base('s', officer), donor: 'mother' }), { code: 'NOT_A_DNA_TASK' });
  t.throws(() => decideCollect(null, replayDna([]), { ...base('s', officer), donor: 'mother' }), { code: 'NOT_FOUND' });
});
