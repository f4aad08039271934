import { z } from 'zod';
import { defineEvent } from './define.js';
import { Id, IsoTime, OfficerRef, Point, RegionCode } from './shared.js';

export const PackageName = z.enum(['investigation', 'rescue', 'familySupport']);
export const Packages = z.object({
  investigation: Id,
  rescue: Id,
  familySupport: Id,
});
export const Household = z.object({ id: Id, headOfHousehold: z.string(), address: z.string() });

/** 立案（案卷）— the ledger's case file opens when the alert service opens the case. */
export const CaseFileOpened = defineEvent({
  type: 'CaseFileOpened',
  version: 1,
  schema: z.object({ caseId: Id, alertId: Id, regionCode: RegionCode, openedAt: IsoTime }),
});

/** 专案组成立 — 一长三包: a chief at county level or above and an owner for each package. */
export const CaseGroupFormed = defineEvent({
  type: 'CaseGroupFormed',
  version: 1,
  schema: z.object({ caseId: Id, chief: OfficerRef, packages: Packages, formedAt: IsoTime }),
});

/** 更换组长 — the chief can be replaced, never removed. */
export const CaseGroupChiefReplaced = defineEvent({
  type: 'CaseGroupChiefReplaced',
  version: 1,
  schema: z.object({
    caseId: Id,
    previousChief: OfficerRef,
    chief: OfficerRef,
    reason: z.string(),
    replacedAt: IsoTime,
  }),
});

export const PackageOwnerReassigned = defineEvent({
  type: 'PackageOwnerReassigned',
  version: 1,
  schema: z.object({
    caseId: Id,
    package: PackageName,
    previousOwner: Id,
    owner: Id,
    reassignedAt: IsoTime,
  }),
});

/** Progress on one of the three packages (侦查破案, 解救, 安抚受害人亲属). */
export const PackageProgressNoted = defineEvent({
  type: 'PackageProgressNoted',
  version: 1,
  schema: z.object({ caseId: Id, package: PackageName, note: z.string().min(1), notedAt: IsoTime }),
});

/** 破案 */
export const CaseSolved = defineEvent({
  type: 'CaseSolved',
  version: 1,
  schema: z.object({ caseId: Id, summary: z.string(), solvedAt: IsoTime }),
});

/**
 * 报警撤回 — the upstream system withdrew the report as false: there is no child to find, so the
 * case closes without 破案, and its group may stand down.
 */
export const ReportWithdrawn = defineEvent({
  type: 'ReportWithdrawn',
  version: 1,
  schema: z.object({ caseId: Id, alertId: Id, withdrawnAt: IsoTime }),
});

/** 专案组撤销 — only after 破案: 案件不破，专案组不得撤销. */
export const CaseGroupDissolved = defineEvent({
  type: 'CaseGroupDissolved',
  version: 1,
  schema: z.object({ caseId: Id, reason: z.string(), dissolvedAt: IsoTime }),
});

/** 解救 — the child is rescued, from the household they were found in. */
export const ChildRescued = defineEvent({
  type: 'ChildRescued',
  version: 1,
  personal: ['household.headOfHousehold'],
  schema: z.object({
    caseId: Id,
    foundAt: Point.extend({ address: z.string().optional() }),
    household: Household.optional(),
    rescuedAt: IsoTime,
  }),
});

/** 查明父母 — by a confirmed DNA match or a verified identification. */
export const ParentsIdentified = defineEvent({
  type: 'ParentsIdentified',
  version: 1,
  personal: ['evidenceRef'],
  schema: z.object({
    caseId: Id,
    method: z.enum(['dna', 'verified-identification']),
    evidenceRef: Id,
    identifiedAt: IsoTime,
  }),
});

/** 送还亲生父母 */
export const ChildReturnedToParents = defineEvent({
  type: 'ChildReturnedToParents',
  version: 1,
  schema: z.object({ caseId: Id, returnedAt: IsoTime, notes: z.string().optional() }),
});

/** 移交民政 — no identifiable parents: the child and the case materials go to civil affairs. */
export const HandoverToCivilAffairsInitiated = defineEvent({
  type: 'HandoverToCivilAffairsInitiated',
  version: 1,
  schema: z.object({
    caseId: Id,
    handoverId: Id,
    institution: z.object({ id: Id, name: z.string(), kind: z.enum(['rescue-protection', 'children-welfare']) }),
    foundInHouseholdId: Id,
    placement: z.object({ kind: z.enum(['institution', 'household']), id: Id }),
    childLocation: Point,
    materials: z.array(z.string().min(1)).min(1),
    initiatedAt: IsoTime,
  }),
});

/** 民政部门接收 — accepted by a civil-affairs actor. */
export const HandoverToCivilAffairsAccepted = defineEvent({
  type: 'HandoverToCivilAffairsAccepted',
  version: 1,
  schema: z.object({ caseId: Id, handoverId: Id, acceptedBy: Id, acceptedAt: IsoTime }),
});

/** 专门档案 — kept by the residence police station while the family search goes on. */
export const DedicatedFileOpened = defineEvent({
  type: 'DedicatedFileOpened',
  version: 1,
  schema: z.object({ caseId: Id, policeStationId: Id, openedAt: IsoTime }),
});

export const FollowUpVisitRecorded = defineEvent({
  type: 'FollowUpVisitRecorded',
  version: 1,
  schema: z.object({ caseId: Id, visitedAt: IsoTime, notes: z.string().min(1) }),
});

/**
 * 落户 — parents still unidentified 12 months after handover: may be registered and adopted, once
 * the registration gate (落户核查) would clear the child's record `childRef`.
 */
export const ChildEligibleForRegistration = defineEvent({
  type: 'ChildEligibleForRegistration',
  version: 1,
  schema: z.object({ caseId: Id, handedOverAt: IsoTime, childRef: Id.optional(), recordedAt: IsoTime }),
});

/**
 * 有效线索奖励 — a confirmed lead (a tip whose verification confirmed a sighting) helped rescue the
 * child: its tipster may be rewarded. The tipster's phone is kept masked, enough to be recognised.
 */
export const LeadRewardEligibilityRecorded = defineEvent({
  type: 'LeadRewardEligibilityRecorded',
  version: 1,
  schema: z.object({
    caseId: Id,
    tipId: Id,
    leadTaskId: Id,
    contact: z.object({ maskedPhone: z.string() }).optional(),
    recordedBy: Id,
    recordedAt: IsoTime,
  }),
});

/** 挂牌督办 — the joint-meeting office lists a key case for supervision. */
export const CaseListedForSupervision = defineEvent({
  type: 'CaseListedForSupervision',
  version: 1,
  schema: z.object({ caseId: Id, listedBy: Id, reason: z.string(), listedAt: IsoTime }),
});

export const CaseSupervisionLifted = defineEvent({
  type: 'CaseSupervisionLifted',
  version: 1,
  schema: z.object({ caseId: Id, liftedBy: Id, liftedAt: IsoTime }),
});

/**
 * 个人信息删除 — the case's personal data erased by destroying its data key: on an officer's request
 * (`by` their id) or when the retention period after closure ran out (`by` `retention`). Every
 * sealed field of the case, in every store, topic and the chain, reads `[erased]` from then on.
 */
export const PersonalDataErased = defineEvent({
  type: 'PersonalDataErased',
  version: 1,
  schema: z.object({ caseId: Id, erasedAt: IsoTime, by: Id, why: z.enum(['request', 'retention']) }),
});

export const caseEvents = [
  CaseFileOpened,
  CaseGroupFormed,
  CaseGroupChiefReplaced,
  PackageOwnerReassigned,
  PackageProgressNoted,
  CaseSolved,
  ReportWithdrawn,
  CaseGroupDissolved,
  ChildRescued,
  ParentsIdentified,
  ChildReturnedToParents,
  HandoverToCivilAffairsInitiated,
  HandoverToCivilAffairsAccepted,
  DedicatedFileOpened,
  FollowUpVisitRecorded,
  ChildEligibleForRegistration,
  LeadRewardEligibilityRecorded,
  CaseListedForSupervision,
  CaseSupervisionLifted,
  PersonalDataErased,
] as const;
