import { randomBytes } from 'node:crypto';
import t from 'tap';
import { dataKeyOf, seal, type DomainEvent } from '@rapid-search/events';
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

t.test("given matches sealed under the child record's key, when the re-test names the same profile, then it is confirmed as in clear", async (t) => {
  const key = dataKeyOf('key-child-1', randomBytes(32));
  const sealed = (ref: string, confirmation: 'initial' | 'confirming'): DomainEvent => ({
    type: 'DnaMatchFound',
    data: { ...base, matchRef: seal(key, ref), confirmation, foundAt: AT },
  });
  t.equal(after([sealed('parents-9', 'initial'), sealed('parents-9', 'confirming')]).confirmed, true, 'the same profile seals alike');
  t.equal(after([sealed('parents-9', 'initial'), sealed('parents-7', 'confirming')]).confirmed, false, 'another profile does not');
  t.equal(clearedWithoutComparison(after([sealed('parents-9', 'initial'), noMatch]), answered('cleared')), false);
});
