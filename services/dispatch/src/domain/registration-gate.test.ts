import t from 'tap';
import type { Actor, DomainEvent } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { dnaDecider, type DnaCommand } from './dna.js';
import { NOW } from './fixtures.test-helper.js';
import { HOUSEHOLD_REGISTRATION, registrationGateDecider, type CheckRegistration, type RegistrationCheckAnswered } from './registration-gate.js';
import { childTaskId } from './unknown-origin-child.js';

const childRef = 'child-1';
const taskId = childTaskId(childRef);
const caseId = childRef;
const at = NOW.toISOString();
const childTask: DomainEvent = {
  type: 'DnaSamplingTaskAssigned',
  data: { taskId, caseId, commandCenterId: 'cc-kunming-guandu', assignedAt: at, deadlineAt: at, subject: 'child-of-unknown-origin', childRef },
};
const base = { taskId, caseId, sampleId: 's1', labId: 'lab-kunming' };
const profiled: DomainEvent[] = [
  { type: 'DnaSampleCollected', data: { taskId, caseId, sampleId: 's1', donor: 'child', collectedBy: 'officer-1', collectedAt: at } },
  { type: 'DnaSampleSealed', data: { taskId, caseId, sampleId: 's1', sealNumber: 'seal-1', sealedBy: 'officer-1', sealedAt: at } },
  { type: 'DnaSampleReceivedByLab', data: { ...base, receivedBy: 'lab-1', receivedAt: at } },
  { type: 'DnaProfileEntered', data: { ...base, profileRef: 'profile-child-1', enteredAt: at } },
];
const noMatch: DomainEvent = { type: 'DnaNoMatchFound', data: { ...base, reportedAt: at } };
const match = (confirmation: 'initial' | 'confirming'): DomainEvent => ({
  type: 'DnaMatchFound',
  data: { ...base, matchRef: 'profile-parents-9', confirmation, foundAt: at },
});

const registrar: Actor = { id: 'officer-hukou', role: 'officer' };
const check = (actor: Actor = registrar, grants: string[] = [HOUSEHOLD_REGISTRATION]): CheckRegistration => ({
  checkId: 'check-1',
  childRef,
  taskId,
  actor,
  grants,
  now: NOW,
});
const answered = (status: 'cleared' | 'blocked' | 'pending', sampleId?: string): RegistrationCheckAnswered => ({
  type: 'RegistrationCheckAnswered',
  data: { checkId: 'check-1', childRef, caseId, taskId, status, ...(sampleId ? { sampleId } : {}), checkedBy: registrar.id, checkedAt: at },
});
const gate = spec(registrationGateDecider);

t.test('given a child whose profile was compared with no match, when the registration is checked, then it is cleared', async (t) => {
  gate(t)
    .given([childTask, ...profiled, noMatch])
    .when(check())
    .then([answered('cleared', 's1')]);
});

t.test('given a child without a comparison result, when the registration is checked, then it is pending', async (t) => {
  gate(t)
    .given([childTask])
    .when(check())
    .then([answered('pending')]);
  gate(t)
    .given([childTask, ...profiled])
    .when(check())
    .then([answered('pending')], 'a profile entered but not yet compared does not clear');
});

t.test('given a single unconfirmed match, when the registration is checked, then it neither clears nor blocks', async (t) => {
  gate(t)
    .given([childTask, ...profiled, match('initial')])
    .when(check())
    .then([answered('pending')]);
});

t.test('given a match confirmed by a re-test, when the registration is checked, then it is blocked', async (t) => {
  gate(t)
    .given([childTask, ...profiled, match('initial'), match('confirming')])
    .when(check())
    .then([answered('blocked', 's1')]);
});

t.test('given a re-test with no match after an initial match, when the registration is checked, then it is cleared', async (t) => {
  gate(t)
    .given([childTask, ...profiled, match('initial'), noMatch])
    .when(check())
    .then([answered('cleared', 's1')]);
});

t.test('given a child, when anyone but an officer with the household-registration grant checks, then NO_REGISTRATION_GRANT', async (t) => {
  gate(t)
    .given([childTask, ...profiled, noMatch])
    .when(check(registrar, []))
    .thenThrows({ code: 'NO_REGISTRATION_GRANT', status: 403 });
  gate(t)
    .given([childTask, ...profiled, noMatch])
    .when(check({ id: 'c', role: 'console', commandCenterId: 'cc-kunming-guandu' }))
    .thenThrows({ code: 'NO_REGISTRATION_GRANT', status: 403 });
});

t.test('given no such child, when the registration is checked, then NOT_FOUND', async (t) => {
  gate(t).given([]).when(check()).thenThrows({ status: 404 });
});

t.test("given a child's confirmed match, when the lab reports it, then no parents of the child's record are identified", async (t) => {
  const confirm: DnaCommand = {
    kind: 'LabResult',
    taskId,
    sampleId: 's1',
    labId: 'lab-kunming',
    actor: { id: 'lab-1', role: 'lab' },
    regionOf: () => '530111',
    now: NOW,
    result: 'match',
    matchRef: 'profile-parents-9',
  };
  spec(dnaDecider)(t)
    .given([childTask, ...profiled, match('initial')])
    .when(confirm)
    .then([match('confirming')]);
});
