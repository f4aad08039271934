import t from 'tap';
import { fold, type DomainEvent } from '@rapid-search/events';
import { breaches } from './audit-rules.js';
import { caseFile } from './case-file.js';

const caseId = 'c';
const AT = '2025-01-01T00:00:00.000Z';
const opened: DomainEvent = { type: 'CaseFileOpened', data: { caseId, alertId: 'a', regionCode: '530111', openedAt: AT } };
const chief = { officerId: 'o', name: 'n', title: 't', unitLevel: 'city' as const };
const formed: DomainEvent = {
  type: 'CaseGroupFormed',
  data: { caseId, chief, packages: { investigation: 'a', rescue: 'b', familySupport: 'c' }, formedAt: AT },
};
const rescued: DomainEvent = {
  type: 'ChildRescued',
  data: { caseId, foundAt: { lat: 1, lon: 1, regionCode: '530111' }, household: { id: 'h', headOfHousehold: 'x', address: 'y' }, rescuedAt: AT },
};
/** The case as these events leave it: what `breaches` judges the next event against. */
const given = (...events: DomainEvent[]) => fold(caseFile(caseId), events);

t.test('recorded history is judged by the same case rules', async (t) => {
  const dissolved: DomainEvent = { type: 'CaseGroupDissolved', data: { caseId, reason: 'r', dissolvedAt: AT } };
  t.same(breaches(given(opened, formed), dissolved), ['DISSOLVED_BEFORE_SOLVED']);
  t.same(breaches(given(opened, formed, { type: 'CaseSolved', data: { caseId, summary: 's', solvedAt: AT } }), dissolved), []);
  t.same(
    breaches(given(opened, formed, { type: 'ReportWithdrawn', data: { caseId, alertId: 'alert-1', withdrawnAt: AT } }), dissolved),
    [],
    'a withdrawn report leaves no case to solve',
  );

  t.same(breaches(given(opened), formed), []);
  t.same(breaches(given(opened), { ...formed, data: { ...formed.data, chief: undefined } } as never), ['GROUP_WITHOUT_CHIEF']);

  const handover = (placement: { kind: string; id: string }) =>
    ({ type: 'HandoverToCivilAffairsInitiated', data: { caseId, foundInHouseholdId: 'h', placement } }) as never;
  t.same(breaches(given(opened, rescued), handover({ kind: 'household', id: 'h' })), ['PLACED_WITH_BUYING_FAMILY']);
  t.same(breaches(given(opened, rescued), handover({ kind: 'institution', id: 'ca' })), []);

  const returned: DomainEvent = { type: 'ChildReturnedToParents', data: { caseId, returnedAt: AT } };
  t.same(breaches(given(opened, rescued), returned), ['RETURNED_WITHOUT_IDENTIFICATION']);
  t.same(
    breaches(given(opened, rescued, { type: 'ParentsIdentified', data: { caseId, method: 'dna', evidenceRef: 'e', identifiedAt: AT } }), returned),
    [],
  );
});
