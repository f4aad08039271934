import t from 'tap';
import type { DomainEvent, OfficerRef } from '@rapid-search/events';
import type { CaseCommand, CommandActor } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type CaseState } from './state.js';

const caseId = 'case-1';
const AT = '2025-05-03T10:00:00.000Z';
const officer: CommandActor = { id: 'officer-a', role: 'officer', grants: [] };
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
const rescued: DomainEvent = { type: 'ChildRescued', data: { caseId, foundAt: { lat: 25.07, lon: 103.74, regionCode: '530322' }, household, rescuedAt: AT } };
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
const accepted: DomainEvent = { type: 'HandoverToCivilAffairsAccepted', data: { caseId, handoverId: 'handover-1', acceptedBy: 'ca-staff', acceptedAt: HANDED_OVER } };
const fileOpened: DomainEvent = { type: 'DedicatedFileOpened', data: { caseId, policeStationId: 'ps-guanshang', openedAt: HANDED_OVER } };
const listed: DomainEvent = { type: 'CaseListedForSupervision', data: { caseId, listedBy: 'jmo-1', reason: 'key case', listedAt: AT } };

type Cmd = { [K in CaseCommand['kind']]: Omit<Extract<CaseCommand, { kind: K }>, 'caseId' | 'actor' | 'at'> }[CaseCommand['kind']];

function given(...events: DomainEvent[]): CaseState {
  return events.reduce(evolve, initialState(caseId));
}
function when(state: CaseState, command: Cmd, actor: CommandActor = officer, at = AT): DomainEvent[] {
  return decide({ ...command, caseId, actor, at } as CaseCommand, state);
}
/** The code of the error the command is refused with, or 'ACCEPTED' when it is not refused. */
function refusal(fn: () => unknown): string {
  try {
    fn();
    return 'ACCEPTED';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

t.test('the case file opens once from the alert service', async (t) => {
  const events = when(given(), { kind: 'OpenCaseFile', alertId: 'alert-1', regionCode: '530111', openedAt: AT }, system);
  t.same(events.map((e) => e.type), ['CaseFileOpened']);
  t.same(when(given(opened), { kind: 'OpenCaseFile', alertId: 'alert-1', regionCode: '530111', openedAt: AT }, system), [], 'a repeat writes nothing');
  t.equal(refusal(() => when(given(), { kind: 'FormGroup', chief: chief('city'), packages })), 'NOT_FOUND');
});

t.test('一长三包: forming the group', async (t) => {
  const events = when(given(opened), { kind: 'FormGroup', chief: chief('county'), packages });
  t.same(events, [{ type: 'CaseGroupFormed', data: { caseId, chief: chief('county'), packages, formedAt: AT } }]);
  t.equal(refusal(() => when(given(opened), { kind: 'FormGroup', chief: chief('station'), packages })), 'CHIEF_RANK_TOO_LOW');
  t.equal(refusal(() => when(given(opened), { kind: 'FormGroup', chief: chief('city'), packages: { ...packages, rescue: ' ' } })), 'VALIDATION_FAILED');
  t.equal(refusal(() => when(given(opened, formed), { kind: 'FormGroup', chief: chief('city'), packages })), 'GROUP_ALREADY_FORMED');
  t.equal(refusal(() => when(given(opened), { kind: 'FormGroup', chief: chief('city'), packages }, civilAffairs)), 'FORBIDDEN');
});

t.test('the chief is replaced, never removed', async (t) => {
  const events = when(given(opened, formed), { kind: 'ReplaceChief', chief: chief('province', 'officer-new'), reason: 'transfer' });
  t.equal(events[0]?.type, 'CaseGroupChiefReplaced');
  t.match(events[0]?.data, { previousChief: { officerId: 'officer-chief' }, chief: { officerId: 'officer-new' } });
  const after = given(opened, formed, ...events);
  t.equal(after.group?.chief.officerId, 'officer-new', 'the group still has exactly one chief');
  t.equal(refusal(() => when(given(opened, formed), { kind: 'ReplaceChief', chief: chief('station', 'officer-low'), reason: 'x' })), 'CHIEF_RANK_TOO_LOW');
  t.equal(refusal(() => when(given(opened), { kind: 'ReplaceChief', chief: chief('city', 'x'), reason: 'x' })), 'GROUP_NOT_FORMED');
  t.equal(refusal(() => when(given(opened, formed), { kind: 'ReplaceChief', chief: chief('city'), reason: 'x' })), 'SAME_CHIEF');
});

t.test('package owners are reassigned and progress is noted', async (t) => {
  const events = when(given(opened, formed), { kind: 'ReassignPackage', package: 'rescue', owner: 'officer-other' });
  t.match(events, [{ type: 'PackageOwnerReassigned', data: { package: 'rescue', previousOwner: 'officer-res', owner: 'officer-other' } }]);
  t.equal(given(opened, formed, ...events).group?.packages.rescue, 'officer-other');
  t.same(when(given(opened, formed), { kind: 'ReassignPackage', package: 'rescue', owner: 'officer-res' }), [], 'the same owner is a no-op');
  t.match(when(given(opened, formed), { kind: 'NoteProgress', package: 'investigation', note: 'suspect located' }), [{ type: 'PackageProgressNoted' }]);
  t.equal(refusal(() => when(given(opened), { kind: 'NoteProgress', package: 'investigation', note: 'x' })), 'GROUP_NOT_FORMED');
});

t.test('案件不破，专案组不得撤销', async (t) => {
  t.equal(refusal(() => when(given(opened, formed), { kind: 'DissolveGroup', reason: 'done' })), 'CASE_NOT_SOLVED');
  t.match(when(given(opened, formed, solved), { kind: 'DissolveGroup', reason: 'done' }), [{ type: 'CaseGroupDissolved' }]);
  t.equal(refusal(() => when(given(opened, formed), { kind: 'SolveCase', summary: 'x' }, civilAffairs)), 'FORBIDDEN');
  t.match(when(given(opened, formed), { kind: 'SolveCase', summary: 'x' }), [{ type: 'CaseSolved' }]);
  t.equal(refusal(() => when(given(opened, formed, solved), { kind: 'SolveCase', summary: 'x' })), 'CASE_ALREADY_SOLVED');
  const dissolved: DomainEvent = { type: 'CaseGroupDissolved', data: { caseId, reason: 'done', dissolvedAt: AT } };
  t.equal(refusal(() => when(given(opened, formed, solved, dissolved), { kind: 'DissolveGroup', reason: 'again' })), 'GROUP_DISSOLVED');
});

t.test('rescue, and return to the parents only once they are identified', async (t) => {
  t.match(when(given(opened), { kind: 'RescueChild', foundAt: { lat: 25, lon: 103, regionCode: '530322' }, household }), [
    { type: 'ChildRescued', data: { household: { id: 'household-zhou' } } },
  ]);
  t.equal(refusal(() => when(given(opened, rescued), { kind: 'RescueChild', foundAt: { lat: 25, lon: 103, regionCode: '530322' } })), 'CHILD_ALREADY_RESCUED');
  t.equal(refusal(() => when(given(opened, rescued), { kind: 'ReturnToParents' })), 'PARENTS_NOT_IDENTIFIED');
  t.equal(refusal(() => when(given(opened, identified), { kind: 'ReturnToParents' })), 'CHILD_NOT_RESCUED');
  t.match(when(given(opened, rescued, identified), { kind: 'ReturnToParents', notes: 'reunited' }), [{ type: 'ChildReturnedToParents', data: { notes: 'reunited' } }]);
});

t.test('parents are identified by DNA (dispatch) or by a verified identification (officer)', async (t) => {
  t.match(when(given(opened), { kind: 'IdentifyParents', method: 'dna', evidenceRef: 'm' }, system), [{ type: 'ParentsIdentified', data: { method: 'dna' } }]);
  t.match(when(given(opened), { kind: 'IdentifyParents', method: 'verified-identification', evidenceRef: 'v' }), [{ type: 'ParentsIdentified' }]);
  t.equal(refusal(() => when(given(opened), { kind: 'IdentifyParents', method: 'dna', evidenceRef: 'm' })), 'FORBIDDEN');
  t.same(when(given(opened, identified), { kind: 'IdentifyParents', method: 'dna', evidenceRef: 'm2' }, system), [], 'a second confirmation writes nothing');
});

t.test('不得由收买家庭继续抚养: the handover places the child in an institution', async (t) => {
  const events = when(given(opened, rescued), handoverCommand);
  t.match(events, [{ type: 'HandoverToCivilAffairsInitiated', data: { foundInHouseholdId: 'household-zhou', placement: { kind: 'institution' }, materials: ['case-filing decision'] } }]);
  t.equal(refusal(() => when(given(opened, rescued), { ...handoverCommand, placement: { kind: 'household', id: 'household-zhou' } })), 'PLACEMENT_WITH_BUYING_FAMILY');
  const noHousehold = given(opened, { type: 'ChildRescued', data: { caseId, foundAt: { lat: 25, lon: 103, regionCode: '530322' }, rescuedAt: AT } });
  t.equal(refusal(() => when(noHousehold, { ...handoverCommand, foundInHouseholdId: 'household-li', placement: { kind: 'household', id: 'household-li' } })), 'PLACEMENT_WITH_BUYING_FAMILY');
  t.equal(refusal(() => when(noHousehold, handoverCommand)), 'VALIDATION_FAILED');
  t.equal(refusal(() => when(given(opened, rescued), { ...handoverCommand, placement: { kind: 'household', id: 'household-aunt' } })), 'PLACEMENT_NOT_INSTITUTION');
  t.equal(refusal(() => when(given(opened, rescued), { ...handoverCommand, placement: { kind: 'institution', id: 'ca-other' } })), 'PLACEMENT_MISMATCH');
  t.equal(refusal(() => when(given(opened, rescued), { ...handoverCommand, foundInHouseholdId: 'household-wrong' })), 'FOUND_IN_HOUSEHOLD_MISMATCH');
  t.equal(refusal(() => when(given(opened), handoverCommand)), 'CHILD_NOT_RESCUED');
  t.match(when(given(opened, rescued, identified), handoverCommand), [{ type: 'HandoverToCivilAffairsInitiated' }], 'parents known: temporary care until they collect the child');
  t.equal(refusal(() => when(given(opened, rescued, initiated), handoverCommand)), 'HANDOVER_ALREADY_INITIATED');
});

t.test('civil affairs, and only civil affairs, accepts the handover', async (t) => {
  t.match(when(given(opened, rescued, initiated), { kind: 'AcceptHandover' }, civilAffairs), [
    { type: 'HandoverToCivilAffairsAccepted', data: { handoverId: 'handover-1', acceptedBy: 'ca-staff' } },
  ]);
  t.equal(refusal(() => when(given(opened, rescued, initiated), { kind: 'AcceptHandover' }, officer)), 'FORBIDDEN');
  t.equal(refusal(() => when(given(opened, rescued), { kind: 'AcceptHandover' }, civilAffairs)), 'HANDOVER_NOT_INITIATED');
  t.equal(refusal(() => when(given(opened, rescued, initiated), { kind: 'AcceptHandover', handoverId: 'other' }, civilAffairs)), 'HANDOVER_NOT_INITIATED');
  t.equal(refusal(() => when(given(opened, rescued, initiated, accepted), { kind: 'AcceptHandover' }, civilAffairs)), 'HANDOVER_ALREADY_ACCEPTED');
});

t.test('专门档案 and follow-up visits come after the accepted handover', async (t) => {
  t.equal(refusal(() => when(given(opened, rescued, initiated), { kind: 'OpenDedicatedFile', policeStationId: 'ps' })), 'HANDOVER_NOT_ACCEPTED');
  t.match(when(given(opened, rescued, initiated, accepted), { kind: 'OpenDedicatedFile', policeStationId: 'ps' }), [{ type: 'DedicatedFileOpened' }]);
  t.equal(refusal(() => when(given(opened, rescued, initiated, accepted, fileOpened), { kind: 'OpenDedicatedFile', policeStationId: 'ps' })), 'DEDICATED_FILE_ALREADY_OPEN');
  t.equal(refusal(() => when(given(opened, rescued, initiated, accepted), { kind: 'RecordFollowUp', notes: 'visit' })), 'DEDICATED_FILE_NOT_OPEN');
  t.match(when(given(opened, rescued, initiated, accepted, fileOpened), { kind: 'RecordFollowUp', notes: 'visit' }), [{ type: 'FollowUpVisitRecorded' }]);
});

t.test('落户: registration 12 months after the handover, with the parents still unidentified', async (t) => {
  const state = given(opened, rescued, initiated, accepted);
  t.equal(refusal(() => when(state, { kind: 'RecordRegistrationEligibility' }, officer, '2026-05-31T23:59:59.000Z')), 'REGISTRATION_TOO_EARLY');
  t.match(when(state, { kind: 'RecordRegistrationEligibility' }, officer, '2026-06-01T00:00:00.000Z'), [
    { type: 'ChildEligibleForRegistration', data: { handedOverAt: HANDED_OVER, recordedAt: '2026-06-01T00:00:00.000Z' } },
  ]);
  t.equal(refusal(() => when(given(opened, rescued, initiated, accepted, identified), { kind: 'RecordRegistrationEligibility' }, officer, '2027-01-01T00:00:00.000Z')), 'PARENTS_IDENTIFIED');
  t.equal(refusal(() => when(given(opened, rescued, initiated), { kind: 'RecordRegistrationEligibility' }, officer, '2027-01-01T00:00:00.000Z')), 'HANDOVER_NOT_ACCEPTED');
});

t.test('the family search goes on: a child handed over can still go home once identified', async (t) => {
  t.match(when(given(opened, rescued, initiated, accepted, identified), { kind: 'ReturnToParents' }), [{ type: 'ChildReturnedToParents' }]);
});

t.test('挂牌督办: only the joint-meeting office lists and lifts', async (t) => {
  t.match(when(given(opened), { kind: 'ListForSupervision', reason: 'key case' }, jointOffice), [{ type: 'CaseListedForSupervision', data: { listedBy: 'jmo-1' } }]);
  t.equal(refusal(() => when(given(opened), { kind: 'ListForSupervision', reason: 'x' }, officer)), 'FORBIDDEN');
  t.equal(refusal(() => when(given(opened, listed), { kind: 'ListForSupervision', reason: 'x' }, jointOffice)), 'ALREADY_SUPERVISED');
  t.match(when(given(opened, listed), { kind: 'LiftSupervision' }, jointOffice), [{ type: 'CaseSupervisionLifted' }]);
  t.equal(refusal(() => when(given(opened), { kind: 'LiftSupervision' }, jointOffice)), 'NOT_SUPERVISED');
  t.equal(given(opened, listed, { type: 'CaseSupervisionLifted', data: { caseId, liftedBy: 'jmo-1', liftedAt: AT } }).supervision, null);
});
