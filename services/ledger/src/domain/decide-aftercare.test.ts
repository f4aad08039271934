/** The case file after the rescue: handover to civil affairs, after-care, registration, supervision. */
import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import type { ChildComparison } from './registration-rule.js';
import {
  caseId,
  AT,
  officer,
  civilAffairs,
  jointOffice,
  opened,
  rescued,
  identified,
  handoverCommand,
  initiated,
  HANDED_OVER,
  accepted,
  fileOpened,
  listed,
  command,
  theCase,
} from './case-fixtures.test-helper.js';

t.test('不得由收买家庭继续抚养: given a rescued child, when handed over, then the child is placed in the receiving institution', async (t) => {
  theCase(t)
    .given([opened, rescued])
    .when(command(handoverCommand))
    .thenMatches([
      {
        type: 'HandoverToCivilAffairsInitiated',
        data: { foundInHouseholdId: 'household-zhou', placement: { kind: 'institution' }, materials: ['case-filing decision'] },
      },
    ]);
  theCase(t)
    .given([opened, rescued])
    .when(command({ ...handoverCommand, placement: { kind: 'household', id: 'household-zhou' } }))
    .thenThrows('PLACEMENT_WITH_BUYING_FAMILY');
  const noHousehold: DomainEvent = { type: 'ChildRescued', data: { caseId, foundAt: { lat: 25, lon: 103, regionCode: '530322' }, rescuedAt: AT } };
  theCase(t)
    .given([opened, noHousehold])
    .when(command({ ...handoverCommand, foundInHouseholdId: 'household-li', placement: { kind: 'household', id: 'household-li' } }))
    .thenThrows('PLACEMENT_WITH_BUYING_FAMILY');
  theCase(t).given([opened, noHousehold]).when(command(handoverCommand)).thenThrows('VALIDATION_FAILED');
  theCase(t)
    .given([opened, rescued])
    .when(command({ ...handoverCommand, placement: { kind: 'household', id: 'household-aunt' } }))
    .thenThrows('PLACEMENT_NOT_INSTITUTION');
  theCase(t)
    .given([opened, rescued])
    .when(command({ ...handoverCommand, placement: { kind: 'institution', id: 'ca-other' } }))
    .thenThrows('PLACEMENT_MISMATCH');
  theCase(t)
    .given([opened, rescued])
    .when(command({ ...handoverCommand, foundInHouseholdId: 'household-wrong' }))
    .thenThrows('FOUND_IN_HOUSEHOLD_MISMATCH');
  theCase(t).given([opened]).when(command(handoverCommand)).thenThrows('CHILD_NOT_RESCUED');
  theCase(t)
    .given([opened, rescued, identified])
    .when(command(handoverCommand))
    .thenMatches([{ type: 'HandoverToCivilAffairsInitiated' }], 'parents known: temporary care until they collect the child');
  theCase(t).given([opened, rescued, initiated]).when(command(handoverCommand)).thenThrows('HANDOVER_ALREADY_INITIATED');
});

t.test('given a handover initiated, when it is accepted, then by civil affairs and only civil affairs', async (t) => {
  const accept = { kind: 'AcceptHandover' } as const;
  theCase(t)
    .given([opened, rescued, initiated])
    .when(command(accept, civilAffairs))
    .thenMatches([{ type: 'HandoverToCivilAffairsAccepted', data: { handoverId: 'handover-1', acceptedBy: 'ca-staff' } }]);
  theCase(t).given([opened, rescued, initiated]).when(command(accept, officer)).thenThrows('FORBIDDEN');
  theCase(t).given([opened, rescued]).when(command(accept, civilAffairs)).thenThrows('HANDOVER_NOT_INITIATED');
  theCase(t)
    .given([opened, rescued, initiated])
    .when(command({ ...accept, handoverId: 'other' }, civilAffairs))
    .thenThrows('HANDOVER_NOT_INITIATED');
  theCase(t).given([opened, rescued, initiated, accepted]).when(command(accept, civilAffairs)).thenThrows('HANDOVER_ALREADY_ACCEPTED');
});

t.test('专门档案: given the handover accepted, when the dedicated file opens, then follow-up visits are recorded in it', async (t) => {
  const openDedicated = { kind: 'OpenDedicatedFile', policeStationId: 'ps' } as const;
  const followUp = { kind: 'RecordFollowUp', notes: 'visit' } as const;
  theCase(t).given([opened, rescued, initiated]).when(command(openDedicated)).thenThrows('HANDOVER_NOT_ACCEPTED');
  theCase(t)
    .given([opened, rescued, initiated, accepted])
    .when(command(openDedicated))
    .thenMatches([{ type: 'DedicatedFileOpened' }]);
  theCase(t).given([opened, rescued, initiated, accepted, fileOpened]).when(command(openDedicated)).thenThrows('DEDICATED_FILE_ALREADY_OPEN');
  theCase(t).given([opened, rescued, initiated, accepted]).when(command(followUp)).thenThrows('DEDICATED_FILE_NOT_OPEN');
  theCase(t)
    .given([opened, rescued, initiated, accepted, fileOpened])
    .when(command(followUp))
    .thenMatches([{ type: 'FollowUpVisitRecorded' }]);
});

/** The child's record at the registration gate: one sample, its latest comparison as given. */
const compared = (latest: 'match' | 'no-match' | null, confirmed = false): ChildComparison => ({
  latest: new Map(latest ? [['s1', latest]] : []),
  matchRefs: new Set(latest === 'match' || confirmed ? ['profile-parents-9'] : []),
  confirmed,
});
const eligibility = { kind: 'RecordRegistrationEligibility', childRef: 'child-1', comparison: compared('no-match') } as const;
const handedOver = [opened, rescued, initiated, accepted];

t.test('落户: given the handover accepted and the parents unidentified, when 12 months have passed, then the child may be registered', async (t) => {
  theCase(t)
    .given(handedOver)
    .when(command(eligibility, officer, '2026-05-31T23:59:59.000Z'))
    .thenThrows('REGISTRATION_TOO_EARLY');
  theCase(t)
    .given(handedOver)
    .when(command(eligibility, officer, '2026-06-01T00:00:00.000Z'))
    .thenMatches([
      { type: 'ChildEligibleForRegistration', data: { handedOverAt: HANDED_OVER, childRef: 'child-1', recordedAt: '2026-06-01T00:00:00.000Z' } },
    ]);
  theCase(t)
    .given([...handedOver, identified])
    .when(command(eligibility, officer, '2027-01-01T00:00:00.000Z'))
    .thenThrows('PARENTS_IDENTIFIED');
  theCase(t)
    .given([opened, rescued, initiated])
    .when(command(eligibility, officer, '2027-01-01T00:00:00.000Z'))
    .thenThrows('HANDOVER_NOT_ACCEPTED');
});

t.test('落户核查: given 12 months past the handover, when the gate would not clear the child, then REGISTRATION_NOT_CLEARED', async (t) => {
  const at = '2027-01-01T00:00:00.000Z';
  for (const [comparison, why] of [
    [compared(null), 'no comparison yet'],
    [compared('match'), 'a match awaiting its re-test'],
    [compared('no-match', true), 'a confirmed match, even with a later no-match'],
  ] as const) {
    theCase(t)
      .given(handedOver)
      .when(command({ ...eligibility, comparison }, officer, at))
      .thenThrows('REGISTRATION_NOT_CLEARED', why);
  }
});

t.test('given a child handed over, when the parents are identified later, then the child still goes home', async (t) => {
  theCase(t)
    .given([opened, rescued, initiated, accepted, identified])
    .when(command({ kind: 'ReturnToParents' }))
    .thenMatches([{ type: 'ChildReturnedToParents' }]);
});

t.test('挂牌督办: given an opened case, when it is listed or lifted, then only by the joint-meeting office', async (t) => {
  theCase(t)
    .given([opened])
    .when(command({ kind: 'ListForSupervision', reason: 'key case' }, jointOffice))
    .thenMatches([{ type: 'CaseListedForSupervision', data: { listedBy: 'jmo-1' } }]);
  theCase(t)
    .given([opened])
    .when(command({ kind: 'ListForSupervision', reason: 'x' }, officer))
    .thenThrows('FORBIDDEN');
  theCase(t)
    .given([opened, listed])
    .when(command({ kind: 'ListForSupervision', reason: 'x' }, jointOffice))
    .thenThrows('ALREADY_SUPERVISED');
  const lifted = theCase(t)
    .given([opened, listed])
    .when(command({ kind: 'LiftSupervision' }, jointOffice));
  lifted.thenMatches([{ type: 'CaseSupervisionLifted' }]);
  lifted.thenState({ supervision: null });
  theCase(t)
    .given([opened])
    .when(command({ kind: 'LiftSupervision' }, jointOffice))
    .thenThrows('NOT_SUPERVISED');
});
