import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import { clearedWithoutComparison, evolveComparison, noComparison } from './registration-rule.js';

const AT = '2026-11-22T10:00:00.000Z';
const base = { taskId: 'dna-sampling-child-1', caseId: 'child-1', sampleId: 's1', labId: 'lab' };
const noMatch: DomainEvent = { type: 'DnaNoMatchFound', data: { ...base, reportedAt: AT } };
const match = (confirmation: 'initial' | 'confirming'): DomainEvent => ({
  type: 'DnaMatchFound',
  data: { ...base, matchRef: 'parents-9', confirmation, foundAt: AT },
});
const answered = (status: 'cleared' | 'blocked' | 'pending'): DomainEvent => ({
  type: 'RegistrationCheckAnswered',
  data: { checkId: 'c1', childRef: 'child-1', caseId: 'child-1', taskId: base.taskId, status, checkedBy: 'o', checkedAt: AT },
});
const after = (history: DomainEvent[]) => history.reduce(evolveComparison, noComparison());

t.test('given a no-match comparison, when the registration is cleared, then no rule is broken', async (t) => {
  t.equal(clearedWithoutComparison(after([noMatch]), answered('cleared')), false);
  t.equal(clearedWithoutComparison(after([match('initial'), noMatch]), answered('cleared')), false, 'a re-test with no match settles it');
});

t.test('given no completed comparison, when the registration is cleared, then the rule is broken', async (t) => {
  t.equal(clearedWithoutComparison(after([]), answered('cleared')), true, 'no result at all');
  t.equal(clearedWithoutComparison(after([match('initial')]), answered('cleared')), true, 'a match awaiting its re-test');
  t.equal(clearedWithoutComparison(after([match('initial'), match('confirming')]), answered('cleared')), true, 'a confirmed match');
});

t.test('given no comparison, when a check answers pending or blocked, then no rule is broken', async (t) => {
  t.equal(clearedWithoutComparison(after([]), answered('pending')), false);
  t.equal(clearedWithoutComparison(after([match('initial'), match('confirming')]), answered('blocked')), false);
});
