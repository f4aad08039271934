import type { DomainEvent, OfficerRef } from '@rapid-search/events';

export type PackageName = 'investigation' | 'rescue' | 'familySupport';
export type Packages = Record<PackageName, string>;

/** The case file as the ledger's events leave it: everything the rules need to decide. */
export interface CaseState {
  caseId: string;
  /** Stream version: how many case events are stored. */
  version: number;
  opened: { alertId: string; regionCode: string; openedAt: string } | null;
  group: { chief: OfficerRef; packages: Packages; formedAt: string; dissolvedAt: string | null } | null;
  progressNotes: number;
  solvedAt: string | null;
  /** 报警撤回: the report was withdrawn as false. */
  withdrawnAt: string | null;
  rescue: { rescuedAt: string; householdId: string | null } | null;
  parents: { method: 'dna' | 'verified-identification'; evidenceRef: string; identifiedAt: string } | null;
  returnedAt: string | null;
  handover: {
    handoverId: string;
    institutionId: string;
    placement: { kind: 'institution' | 'household'; id: string };
    foundInHouseholdId: string;
    initiatedAt: string;
    acceptedAt: string | null;
    acceptedBy: string | null;
  } | null;
  dedicatedFile: { policeStationId: string; openedAt: string } | null;
  followUpVisits: number;
  registrationEligibleAt: string | null;
  /** 有效线索奖励: the tips recorded as having helped. */
  leadRewards: string[];
  supervision: { listedBy: string; reason: string; listedAt: string } | null;
  /** 个人信息删除: when the case's data key was ordered destroyed. */
  erasedAt: string | null;
}

export const CASE_EVENT_TYPES = new Set<string>([
  'CaseFileOpened',
  'CaseGroupFormed',
  'CaseGroupChiefReplaced',
  'PackageOwnerReassigned',
  'PackageProgressNoted',
  'CaseSolved',
  'ReportWithdrawn',
  'CaseGroupDissolved',
  'ChildRescued',
  'ParentsIdentified',
  'ChildReturnedToParents',
  'HandoverToCivilAffairsInitiated',
  'HandoverToCivilAffairsAccepted',
  'DedicatedFileOpened',
  'FollowUpVisitRecorded',
  'ChildEligibleForRegistration',
  'LeadRewardEligibilityRecorded',
  'CaseListedForSupervision',
  'CaseSupervisionLifted',
  'PersonalDataErased',
]);

export const caseStreamId = (caseId: string): string => `case-${caseId}`;

export function initialState(caseId: string): CaseState {
  return {
    caseId,
    version: 0,
    opened: null,
    group: null,
    progressNotes: 0,
    solvedAt: null,
    withdrawnAt: null,
    rescue: null,
    parents: null,
    returnedAt: null,
    handover: null,
    dedicatedFile: null,
    followUpVisits: 0,
    registrationEligibleAt: null,
    leadRewards: [],
    supervision: null,
    erasedAt: null,
  };
}

/**
 * Folds one recorded case event into the state. It never refuses: recorded history is a fact.
 * The verifier feeds it entries read back from the ledger that may have been tampered with, so it
 * reads nested fields defensively and leaves judging to the rules.
 */
export function evolve(state: CaseState, event: DomainEvent): CaseState {
  const s: CaseState = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'CaseFileOpened': {
      const d = event.data;
      return { ...s, opened: { alertId: d.alertId, regionCode: d.regionCode, openedAt: d.openedAt } };
    }
    case 'CaseGroupFormed':
      return { ...s, group: { chief: event.data.chief, packages: { ...event.data.packages }, formedAt: event.data.formedAt, dissolvedAt: null } };
    case 'CaseGroupChiefReplaced':
      return s.group ? { ...s, group: { ...s.group, chief: event.data.chief } } : s;
    case 'PackageOwnerReassigned':
      return s.group ? { ...s, group: { ...s.group, packages: { ...s.group.packages, [event.data.package]: event.data.owner } } } : s;
    case 'PackageProgressNoted':
      return { ...s, progressNotes: s.progressNotes + 1 };
    case 'CaseSolved':
      return { ...s, solvedAt: event.data.solvedAt };
    case 'ReportWithdrawn':
      return { ...s, withdrawnAt: event.data.withdrawnAt };
    case 'CaseGroupDissolved':
      return s.group ? { ...s, group: { ...s.group, dissolvedAt: event.data.dissolvedAt } } : s;
    case 'ChildRescued':
      return { ...s, rescue: { rescuedAt: event.data.rescuedAt, householdId: event.data.household?.id ?? null } };
    case 'ParentsIdentified': {
      const d = event.data;
      return { ...s, parents: { method: d.method, evidenceRef: d.evidenceRef, identifiedAt: d.identifiedAt } };
    }
    case 'ChildReturnedToParents':
      return { ...s, returnedAt: event.data.returnedAt };
    case 'HandoverToCivilAffairsInitiated': {
      const d = event.data;
      return {
        ...s,
        handover: {
          handoverId: d.handoverId,
          institutionId: d.institution?.id,
          placement: { kind: d.placement?.kind, id: d.placement?.id },
          foundInHouseholdId: d.foundInHouseholdId,
          initiatedAt: d.initiatedAt,
          acceptedAt: null,
          acceptedBy: null,
        },
      };
    }
    case 'HandoverToCivilAffairsAccepted':
      return s.handover ? { ...s, handover: { ...s.handover, acceptedAt: event.data.acceptedAt, acceptedBy: event.data.acceptedBy } } : s;
    case 'DedicatedFileOpened':
      return { ...s, dedicatedFile: { policeStationId: event.data.policeStationId, openedAt: event.data.openedAt } };
    case 'FollowUpVisitRecorded':
      return { ...s, followUpVisits: s.followUpVisits + 1 };
    case 'ChildEligibleForRegistration':
      return { ...s, registrationEligibleAt: event.data.recordedAt };
    case 'LeadRewardEligibilityRecorded':
      return { ...s, leadRewards: [...s.leadRewards, event.data.tipId] };
    case 'CaseListedForSupervision': {
      const d = event.data;
      return { ...s, supervision: { listedBy: d.listedBy, reason: d.reason, listedAt: d.listedAt } };
    }
    case 'CaseSupervisionLifted':
      return { ...s, supervision: null };
    case 'PersonalDataErased':
      return { ...s, erasedAt: event.data.erasedAt };
    default:
      return state;
  }
}
