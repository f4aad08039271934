/** The case, its actors and its events, as the case-file decider tests use them. */
import type { DomainEvent, OfficerRef } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { caseFile } from './case-file.js';
import type { CaseCommand, CommandActor } from './commands.js';

export const caseId = 'case-1';
export const AT = '2025-05-03T10:00:00.000Z';
export const officer: CommandActor = { id: 'officer-a', role: 'officer', grants: [], unit: { id: 'cc-kunming', regionCode: '530100' } };
export const civilAffairs: CommandActor = { id: 'ca-staff', role: 'civil-affairs', grants: [] };
export const jointOffice: CommandActor = { id: 'jmo-1', role: 'officer', grants: ['joint-meeting-office'] };
export const system: CommandActor = { id: 'ledger', role: 'system', grants: [] };

export const chief = (unitLevel: OfficerRef['unitLevel'], officerId = 'officer-chief'): OfficerRef => ({
  officerId,
  name: 'Yang Jianguo',
  title: 'Director',
  unitLevel,
});
export const packages = { investigation: 'officer-inv', rescue: 'officer-res', familySupport: 'officer-fam' };

export const opened: DomainEvent = { type: 'CaseFileOpened', data: { caseId, alertId: 'alert-1', regionCode: '530111', openedAt: AT } };
export const formed: DomainEvent = { type: 'CaseGroupFormed', data: { caseId, chief: chief('city'), packages, formedAt: AT } };
export const solved: DomainEvent = { type: 'CaseSolved', data: { caseId, summary: 'traffickers arrested', solvedAt: AT } };
export const household = { id: 'household-zhou', headOfHousehold: 'Zhou', address: 'Luliang' };
export const rescued: DomainEvent = {
  type: 'ChildRescued',
  data: { caseId, foundAt: { lat: 25.07, lon: 103.74, regionCode: '530322' }, household, rescuedAt: AT },
};
export const identified: DomainEvent = { type: 'ParentsIdentified', data: { caseId, method: 'dna', evidenceRef: 'match-1', identifiedAt: AT } };
export const institution = { id: 'ca-kunming-welfare', name: 'Kunming Children Welfare Institute', kind: 'children-welfare' as const };
export const handoverCommand = {
  kind: 'InitiateHandover' as const,
  handoverId: 'handover-1',
  institution,
  placement: { kind: 'institution' as const, id: institution.id },
  childLocation: { lat: 25.07, lon: 103.74, regionCode: '530322' },
  materials: ['case-filing decision'],
};
export const initiated: DomainEvent = {
  type: 'HandoverToCivilAffairsInitiated',
  data: { caseId, ...handoverCommand, foundInHouseholdId: household.id, initiatedAt: AT, kind: undefined } as never,
};
export const HANDED_OVER = '2025-06-01T00:00:00.000Z';
export const accepted: DomainEvent = {
  type: 'HandoverToCivilAffairsAccepted',
  data: { caseId, handoverId: 'handover-1', acceptedBy: 'ca-staff', acceptedAt: HANDED_OVER },
};
export const fileOpened: DomainEvent = { type: 'DedicatedFileOpened', data: { caseId, policeStationId: 'ps-guanshang', openedAt: HANDED_OVER } };
export const listed: DomainEvent = { type: 'CaseListedForSupervision', data: { caseId, listedBy: 'jmo-1', reason: 'key case', listedAt: AT } };

export type Cmd = { [K in CaseCommand['kind']]: Omit<Extract<CaseCommand, { kind: K }>, 'caseId' | 'actor' | 'at'> }[CaseCommand['kind']];

/** A command on the case, issued by `actor` at `at`. */
export const command = (body: Cmd, actor: CommandActor = officer, at = AT): CaseCommand => ({ ...body, caseId, actor, at }) as CaseCommand;
export const theCase = spec(caseFile(caseId));
export const openFile = { kind: 'OpenCaseFile', alertId: 'alert-1', regionCode: '530111', openedAt: AT } as const;
export const formGroup = { kind: 'FormGroup', chief: chief('city'), packages } as const;
