import t from 'tap';
import type { Actor } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { at, caseId, childRef, childTask, linkedCustody, match, noMatch, profiled, recorded, taskId } from './child-fixtures.test-helper.js';
import { NOW } from './fixtures.test-helper.js';
import { HOUSEHOLD_REGISTRATION, registrationGateDecider, type CheckRegistration, type RegistrationCheckAnswered } from './registration-gate.js';

const registrar: Actor = { id: 'officer-hukou', role: 'officer' };
/** The registrar serves in Kunming, whose jurisdiction holds Guandu, where the child was found. */
const check = (actor: Actor = registrar, grants: string[] = [HOUSEHOLD_REGISTRATION], unitRegion = '530100'): CheckRegistration => ({
  checkId: 'check-1',
  childRef,
  taskId,
  actor,
  grants,
  unitRegion,
  now: NOW,
});
const answered = (status: 'cleared' | 'blocked' | 'pending', more: { sampleId?: string; caseRef?: string } = {}): RegistrationCheckAnswered => ({
  type: 'RegistrationCheckAnswered',
  data: { checkId: 'check-1', childRef, caseId, taskId, status, ...more, checkedBy: registrar.id, checkedAt: at },
});
const gate = spec(registrationGateDecider);
const child = [childTask, recorded];

t.test('given a child whose profile was compared with no match, when the registration is checked, then it is cleared', async (t) => {
  gate(t)
    .given([...child, ...profiled, noMatch])
    .when(check())
    .then([answered('cleared', { sampleId: 's1' })]);
});

t.test('given a child without a comparison result, when the registration is checked, then it is pending', async (t) => {
  gate(t)
    .given(child)
    .when(check())
    .then([answered('pending')]);
  gate(t)
    .given([...child, ...profiled])
    .when(check())
    .then([answered('pending')], 'a profile entered but not yet compared does not clear');
});

t.test('given a single unconfirmed match, when the registration is checked, then it neither clears nor blocks', async (t) => {
  gate(t)
    .given([...child, ...profiled, match('initial')])
    .when(check())
    .then([answered('pending')]);
});

t.test('given a match confirmed by a re-test to no open case, when the registration is checked, then it is blocked with no case', async (t) => {
  gate(t)
    .given([...child, ...profiled, match('initial'), match('confirming')])
    .when(check())
    .then([answered('blocked', { sampleId: 's1' })]);
});

t.test('given a re-test with no match after an initial match, when the registration is checked, then it is cleared', async (t) => {
  gate(t)
    .given([...child, ...profiled, match('initial'), noMatch])
    .when(check())
    .then([answered('cleared', { sampleId: 's1' })]);
});

t.test(
  'given a child linked to a Chongqing case, when a registrar with authority over the case checks, then blocked with the case ref',
  async (t) => {
    const national = { ...check(), unitRegion: '100000' };
    gate(t)
      .given(linkedCustody)
      .when(national)
      .then([answered('blocked', { sampleId: 's1', caseRef: 'case-9' })]);
  },
);

t.test('given a child linked to a Chongqing case, when a Kunming registrar checks, then blocked without the case ref', async (t) => {
  gate(t)
    .given(linkedCustody)
    .when(check())
    .then([answered('blocked', { sampleId: 's1' })], 'Kunming holds the child but not the case');
});

t.test('given a child found in Guandu, when an officer whose unit does not hold Guandu checks, then NO_AUTHORITY_OVER_CASE', async (t) => {
  gate(t)
    .given([...child, ...profiled, noMatch])
    .when(check(registrar, [HOUSEHOLD_REGISTRATION], '500000'))
    .thenThrows({ code: 'NO_AUTHORITY_OVER_CASE', status: 403 });
});

t.test('given a child, when anyone but an officer with the household-registration grant checks, then NO_REGISTRATION_GRANT', async (t) => {
  gate(t)
    .given([...child, ...profiled, noMatch])
    .when(check(registrar, []))
    .thenThrows({ code: 'NO_REGISTRATION_GRANT', status: 403 });
  gate(t)
    .given([...child, ...profiled, noMatch])
    .when(check({ id: 'c', role: 'console', commandCenterId: 'cc-kunming-guandu' }))
    .thenThrows({ code: 'NO_REGISTRATION_GRANT', status: 403 });
});

t.test('given no such child, when the registration is checked, then NOT_FOUND', async (t) => {
  gate(t).given([]).when(check()).thenThrows({ status: 404 });
});
