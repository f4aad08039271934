import type { DomainEvent, OfficerRef } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import t from 'tap';
import { caseFile } from './case-file.js';
import type { CaseCommand, CommandActor } from './commands.js';

const caseId = 'case-km';
const AT = '2025-05-03T10:00:00.000Z';
const kunmingCase: DomainEvent = { type: 'CaseFileOpened', data: { caseId, alertId: 'alert-km', regionCode: '530111', openedAt: AT } };
const chief: OfficerRef = { officerId: 'officer-km-chief', name: 'Chief', title: 'Director, Kunming PSB', unitLevel: 'city' };
const packages = { investigation: 'officer-xian-inv', rescue: 'officer-km-res', familySupport: 'officer-km-fam' };
const formed: DomainEvent = { type: 'CaseGroupFormed', data: { caseId, chief, packages, formedAt: AT } };
const officerOf = (id: string, regionCode: string): CommandActor => ({
  id,
  role: 'officer',
  grants: [],
  unit: { id: `unit-${regionCode}`, regionCode },
});
const solve = (actor: CommandActor): CaseCommand => ({ kind: 'SolveCase', caseId, actor, at: AT, summary: 'found' });
const theCase = spec(caseFile(caseId));

t.test("given a Kunming case, when an officer of Xi'an forms its group, then it is refused with NO_AUTHORITY_OVER_CASE", async (t) => {
  const form: CaseCommand = { kind: 'FormGroup', caseId, actor: officerOf('officer-xian', '610100'), at: AT, chief, packages };
  theCase(t).given([kunmingCase]).when(form).thenThrows('NO_AUTHORITY_OVER_CASE');
});

t.test('given a Kunming case, when officers of its district, its city, Yunnan or the Ministry solve it, then each may', async (t) => {
  for (const region of ['530111', '530100', '530000', '100000']) {
    theCase(t)
      .given([kunmingCase, formed])
      .when(solve(officerOf(`officer-${region}`, region)))
      .thenMatches([{ type: 'CaseSolved' }], region);
  }
});

t.test('given a Kunming case, when an officer of a neighbouring district solves it, then it is refused', async (t) => {
  theCase(t)
    .given([kunmingCase, formed])
    .when(solve(officerOf('officer-530102', '530102')))
    .thenThrows('NO_AUTHORITY_OVER_CASE');
});

t.test("given an officer of Xi'an in the case group, when they note progress on their package, then they may", async (t) => {
  const note: CaseCommand = {
    kind: 'NoteProgress',
    caseId,
    actor: officerOf('officer-xian-inv', '610100'),
    at: AT,
    package: 'investigation',
    note: "lead in Xi'an",
  };
  theCase(t)
    .given([kunmingCase, formed])
    .when(note)
    .thenMatches([{ type: 'PackageProgressNoted' }]);
});

t.test('given an officer whose token names no unit, when they act on a case outside its group, then it is refused', async (t) => {
  theCase(t)
    .given([kunmingCase, formed])
    .when(solve({ id: 'officer-unknown', role: 'officer', grants: [] }))
    .thenThrows('NO_AUTHORITY_OVER_CASE');
});
