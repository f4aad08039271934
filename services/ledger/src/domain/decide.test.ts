import t from 'tap';
import type { DomainEvent, OfficerRef } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { caseFile } from './case-file.js';
import type { CaseCommand, CommandActor } from './commands.js';

const caseId = 'case-1';
const AT = '2025-05-03T10:00:00.000Z';
const officer: CommandActor = { id: 'officer-a', role: 'officer', grants: [], unit: { id: 'cc-kunming', regionCode: '530100' } };
const civilAffairs: CommandActor = { id: 'ca-staff', role: 'civil-affairs', grants: [] };
const jointOffice: CommandActor = { id: 'jmo-1', role: 'officer', grants: ['joint-meeting-office'] };
const system: CommandActor = { id: 'ledger', role: 'system', grants: [] };

const chief = (unitLevel: OfficerRef['unitLevel'], officerId = 'officer-chief'): OfficerRef => ({
  officerId,
  name: 'Yang Jianguo',
  title: 'Director',
  unitLevel,
});
const packages = { investigation: 'officer-inv', rescue: 'officer-res', familySupport: 'officer-fam' };

const opened: DomainEvent = { type: 'CaseFileOpened', data: { caseId, alertId: 'alert-1', regionCode: '530111', openedAt: AT } };
const formed: DomainEvent = { type: 'CaseGroupFormed', data: { caseId, chief: chief('city'), packages, formedAt: AT } };
const solved: DomainEvent = { type: 'CaseSolved', data: { caseId, summary: 'traffickers arrested', solvedAt: AT } };
const household = { id: 'household-zhou', headOfHousehold: 'Zhou', address: 'Luliang' };
const rescued: DomainEvent = {
  type: 'ChildRescued',
  data: { caseId, foundAt: { lat: 25.07, lon: 103.74, regionCode: '530322' }, household, rescuedAt: AT },
};
const identified: DomainEvent = { type: 'ParentsIdentified', data: { caseId, method: 'dna', evidenceRef: 'match-1', identifiedAt: AT } };
const institution = { id: 'ca-kunming-welfare', name: 'Kunming Children Welfare Institute', kind: 'children-welfare' as const };
const handoverCommand = {
  kind: 'InitiateHandover' as const,
  handoverId: 'handover-1',
  institution,
  placement: { kind: 'institution' as const, id: institution.id },
  childLocation: { lat: 25.07, lon: 103.74, regionCode: '530322' },
  materials: ['case-filing decision'],
};
const initiated: DomainEvent = {
  type: 'HandoverToCivilAffairsInitiated',
  data: { caseId, ...handoverCommand, foundInHouseholdId: household.id, initiatedAt: AT, kind: undefined } as never,
};
const HANDED_OVER = '2025-06-01T00:00:00.000Z';
const accepted: DomainEvent = {
  type: 'HandoverToCivilAffairsAccepted',
  data: { caseId, handoverId: 'handover-1', acceptedBy: 'ca-staff', acceptedAt: HANDED_OVER },
};
const fileOpened: DomainEvent = { type: 'DedicatedFileOpened', data: { caseId, policeStationId: 'ps-guanshang', openedAt: HANDED_OVER } };
const listed: DomainEvent = { type: 'CaseListedForSupervision', data: { caseId, listedBy: 'jmo-1', reason: 'key case', listedAt: AT } };

type Cmd = { [K in CaseCommand['kind']]: Omit<Extract<CaseCommand, { kind: K }>, 'caseId' | 'actor' | 'at'> }[CaseCommand['kind']];

/** A command on the case, issued by `actor` at `at`. */
const command = (body: Cmd, actor: CommandActor = officer, at = AT): CaseCommand => ({ ...body, caseId, actor, at }) as CaseCommand;
const theCase = spec(caseFile(caseId));
const openFile = { kind: 'OpenCaseFile', alertId: 'alert-1', regionCode: '530111', openedAt: AT } as const;
const formGroup = { kind: 'FormGroup', chief: chief('city'), packages } as const;

t.test('given no case file, when the alert service opens it, then it opens once; until then nothing else is accepted', async (t) => {
  theCase(t)
    .given([])
    .when(command(openFile, system))
    .thenMatches([{ type: 'CaseFileOpened' }]);
  theCase(t).given([opened]).when(command(openFile, system)).thenNothingHappened('a repeat writes nothing');
  theCase(t).given([]).when(command(formGroup)).thenThrows('NOT_FOUND');
});

t.test(
  '一长三包: given an opened case, when the group is formed, then it has a chief at county level or above and an owner per package',
  async (t) => {
    theCase(t)
      .given([opened])
      .when(command({ kind: 'FormGroup', chief: chief('county'), packages }))
      .then([{ type: 'CaseGroupFormed', data: { caseId, chief: chief('county'), packages, formedAt: AT } }]);
    theCase(t)
      .given([opened])
      .when(command({ kind: 'FormGroup', chief: chief('station'), packages }))
      .thenThrows('CHIEF_RANK_TOO_LOW');
    theCase(t)
      .given([opened])
      .when(command({ ...formGroup, packages: { ...packages, rescue: ' ' } }))
      .thenThrows('VALIDATION_FAILED');
    theCase(t).given([opened, formed]).when(command(formGroup)).thenThrows('GROUP_ALREADY_FORMED');
    theCase(t).given([opened]).when(command(formGroup, civilAffairs)).thenThrows('FORBIDDEN');
  },
);

t.test('given a formed group, when the chief is replaced, then the group has the new chief and never none', async (t) => {
  const replaced = theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReplaceChief', chief: chief('province', 'officer-new'), reason: 'transfer' }));
  replaced.thenMatches([
    { type: 'CaseGroupChiefReplaced', data: { previousChief: { officerId: 'officer-chief' }, chief: { officerId: 'officer-new' } } },
  ]);
  replaced.thenState({ group: { chief: { officerId: 'officer-new' } } }, 'the group still has exactly one chief');
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReplaceChief', chief: chief('station', 'officer-low'), reason: 'x' }))
    .thenThrows('CHIEF_RANK_TOO_LOW');
  theCase(t)
    .given([opened])
    .when(command({ kind: 'ReplaceChief', chief: chief('city', 'x'), reason: 'x' }))
    .thenThrows('GROUP_NOT_FORMED');
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReplaceChief', chief: chief('city'), reason: 'x' }))
    .thenThrows('SAME_CHIEF');
});

t.test('given a formed group, when a package is reassigned or progress noted, then the owner changes and the note is kept', async (t) => {
  const reassigned = theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReassignPackage', package: 'rescue', owner: 'officer-other' }));
  reassigned.thenMatches([{ type: 'PackageOwnerReassigned', data: { package: 'rescue', previousOwner: 'officer-res', owner: 'officer-other' } }]);
  reassigned.thenState({ group: { packages: { rescue: 'officer-other' } } });
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'ReassignPackage', package: 'rescue', owner: 'officer-res' }))
    .thenNothingHappened('the same owner is a no-op');
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'NoteProgress', package: 'investigation', note: 'suspect located' }))
    .thenMatches([{ type: 'PackageProgressNoted' }]);
  theCase(t)
    .given([opened])
    .when(command({ kind: 'NoteProgress', package: 'investigation', note: 'x' }))
    .thenThrows('GROUP_NOT_FORMED');
});

t.test('案件不破，专案组不得撤销: given an unsolved case, when the group is dissolved, then it is refused', async (t) => {
  const dissolve = { kind: 'DissolveGroup', reason: 'done' } as const;
  theCase(t).given([opened, formed]).when(command(dissolve)).thenThrows('CASE_NOT_SOLVED');
  theCase(t)
    .given([opened, formed, solved])
    .when(command(dissolve))
    .thenMatches([{ type: 'CaseGroupDissolved' }]);
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'SolveCase', summary: 'x' }, civilAffairs))
    .thenThrows('FORBIDDEN');
  theCase(t)
    .given([opened, formed])
    .when(command({ kind: 'SolveCase', summary: 'x' }))
    .thenMatches([{ type: 'CaseSolved' }]);
  theCase(t)
    .given([opened, formed, solved])
    .when(command({ kind: 'SolveCase', summary: 'x' }))
    .thenThrows('CASE_ALREADY_SOLVED');
  const dissolved: DomainEvent = { type: 'CaseGroupDissolved', data: { caseId, reason: 'done', dissolvedAt: AT } };
  theCase(t)
    .given([opened, formed, solved, dissolved])
    .when(command({ kind: 'DissolveGroup', reason: 'again' }))
    .thenThrows('GROUP_DISSOLVED');
});

t.test('given a rescued child, when returned to the parents, then only once they are identified', async (t) => {
  const rescue = { kind: 'RescueChild', foundAt: { lat: 25, lon: 103, regionCode: '530322' } } as const;
  theCase(t)
    .given([opened])
    .when(command({ ...rescue, household }))
    .thenMatches([{ type: 'ChildRescued', data: { household: { id: 'household-zhou' } } }]);
  theCase(t).given([opened, rescued]).when(command(rescue)).thenThrows('CHILD_ALREADY_RESCUED');
  theCase(t)
    .given([opened, rescued])
    .when(command({ kind: 'ReturnToParents' }))
    .thenThrows('PARENTS_NOT_IDENTIFIED');
  theCase(t)
    .given([opened, identified])
    .when(command({ kind: 'ReturnToParents' }))
    .thenThrows('CHILD_NOT_RESCUED');
  theCase(t)
    .given([opened, rescued, identified])
    .when(command({ kind: 'ReturnToParents', notes: 'reunited' }))
    .thenMatches([{ type: 'ChildReturnedToParents', data: { notes: 'reunited' } }]);
});

t.test('given an opened case, when the parents are identified, then by DNA (dispatch) or by a verified identification (officer)', async (t) => {
  const byDna = { kind: 'IdentifyParents', method: 'dna', evidenceRef: 'm' } as const;
  theCase(t)
    .given([opened])
    .when(command(byDna, system))
    .thenMatches([{ type: 'ParentsIdentified', data: { method: 'dna' } }]);
  theCase(t)
    .given([opened])
    .when(command({ kind: 'IdentifyParents', method: 'verified-identification', evidenceRef: 'v' }))
    .thenMatches([{ type: 'ParentsIdentified' }]);
  theCase(t).given([opened]).when(command(byDna)).thenThrows('FORBIDDEN');
  theCase(t)
    .given([opened, identified])
    .when(command({ ...byDna, evidenceRef: 'm2' }, system))
    .thenNothingHappened('a second confirmation writes nothing');
});

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

t.test('落户: given the handover accepted and the parents unidentified, when 12 months have passed, then the child may be registered', async (t) => {
  const eligibility = { kind: 'RecordRegistrationEligibility' } as const;
  const handedOver = [opened, rescued, initiated, accepted];
  theCase(t)
    .given(handedOver)
    .when(command(eligibility, officer, '2026-05-31T23:59:59.000Z'))
    .thenThrows('REGISTRATION_TOO_EARLY');
  theCase(t)
    .given(handedOver)
    .when(command(eligibility, officer, '2026-06-01T00:00:00.000Z'))
    .thenMatches([{ type: 'ChildEligibleForRegistration', data: { handedOverAt: HANDED_OVER, recordedAt: '2026-06-01T00:00:00.000Z' } }]);
  theCase(t)
    .given([...handedOver, identified])
    .when(command(eligibility, officer, '2027-01-01T00:00:00.000Z'))
    .thenThrows('PARENTS_IDENTIFIED');
  theCase(t)
    .given([opened, rescued, initiated])
    .when(command(eligibility, officer, '2027-01-01T00:00:00.000Z'))
    .thenThrows('HANDOVER_NOT_ACCEPTED');
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
