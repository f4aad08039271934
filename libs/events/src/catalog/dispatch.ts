import { z } from 'zod';
import { defineEvent } from './define.js';
import { Id, IsoTime, Latitude, Longitude, Point, RegionCode } from './shared.js';

const TaskBase = z.object({
  taskId: Id,
  caseId: Id,
  commandCenterId: Id,
  deadlineAt: IsoTime,
  assignedAt: IsoTime,
});

export const HubKind = z.enum(['railway', 'bus', 'airport', 'toll-gate', 'port']);

const Hub = z.object({ id: Id, name: z.string(), kind: HubKind, lat: Latitude, lon: Longitude, regionCode: RegionCode });

/**
 * 堵截 — interception at one transport hub, in the task's own stream. Stores written before
 * `InterceptionTasksAssigned` hold it; nothing assigns it any more.
 */
export const InterceptionTaskAssigned = defineEvent({
  type: 'InterceptionTaskAssigned',
  version: 1,
  schema: TaskBase.extend({
    hub: Hub,
    distanceKm: z.number().nonnegative(),
    radiusKm: z.number().positive(),
  }),
});

/**
 * 堵截 — interception at every transport hub that one step of the search newly reaches (the quick
 * search, a widening, a confirmed sighting), each hub a task of its own assigned to the hub's
 * command center, in the case's stream `interceptions-<caseId>`, which tasks each hub once. A
 * console is shown only the tasks of its own center.
 */
export const InterceptionTasksAssigned = defineEvent({
  type: 'InterceptionTasksAssigned',
  version: 1,
  schema: z.object({
    caseId: Id,
    assignedAt: IsoTime,
    deadlineAt: IsoTime,
    radiusKm: z.number().positive(),
    tasks: z.array(z.object({ taskId: Id, commandCenterId: Id, hub: Hub, distanceKm: z.number().nonnegative() })).min(1),
  }),
});

/** 查找 — area search or video review for the command center of the last-seen region. */
export const SearchTaskAssigned = defineEvent({
  type: 'SearchTaskAssigned',
  version: 1,
  schema: TaskBase.extend({
    kind: z.enum(['area-search', 'video-review']),
    area: Point.extend({ radiusKm: z.number().positive() }),
  }),
});

/** 采集失踪儿童父母血样 — sample the parents' blood for the anti-trafficking DNA database. */
export const DnaSamplingTaskAssigned = defineEvent({
  type: 'DnaSamplingTaskAssigned',
  version: 1,
  schema: TaskBase.extend({
    subject: z.enum(['missing-child-parents', 'child-of-unknown-origin']),
    /** The child sampled, when the subject is a child of unknown origin (来历不明儿童). */
    childRef: Id.optional(),
  }),
});

/** Escort of a rescued child to the civil-affairs institution (移交民政). */
export const EscortTaskAssigned = defineEvent({
  type: 'EscortTaskAssigned',
  version: 1,
  schema: TaskBase.extend({
    handoverId: Id,
    institutionId: Id,
    from: Point,
  }),
});

/** What a lead task shows of a tip: what was seen, where and when; never who told it. */
const TipSummary = z.object({
  description: z.string(),
  lat: Latitude,
  lon: Longitude,
  address: z.string().optional(),
  seenAt: IsoTime,
});

/**
 * 线索核查 — verify a public tip (线索), assigned to the command center responsible for its place.
 * The tipster's contact stays with the alert service: consoles see only what was seen.
 */
export const LeadVerificationTaskAssigned = defineEvent({
  type: 'LeadVerificationTaskAssigned',
  version: 1,
  schema: TaskBase.extend({ alertId: Id, tipId: Id, tip: TipSummary }),
});

/**
 * A further tip of the same alert near an open lead (1 km, 30 min) joins that lead's 线索核查
 * instead of opening another task; `linkedTips` is how many tips the lead has gathered so far.
 */
export const TipLinkedToLead = defineEvent({
  type: 'TipLinkedToLead',
  version: 1,
  schema: z.object({
    taskId: Id,
    caseId: Id,
    alertId: Id,
    tipId: Id,
    tip: TipSummary,
    distanceKm: z.number().nonnegative(),
    linkedTips: z.number().int().positive(),
    linkedAt: IsoTime,
  }),
});

export const TaskAcknowledged = defineEvent({
  type: 'TaskAcknowledged',
  version: 1,
  schema: z.object({
    taskId: Id,
    caseId: Id,
    commandCenterId: Id,
    acknowledgedBy: Id,
    acknowledgedAt: IsoTime,
  }),
});

export const TaskCompleted = defineEvent({
  type: 'TaskCompleted',
  version: 1,
  schema: z.object({
    taskId: Id,
    caseId: Id,
    commandCenterId: Id,
    outcome: z.string().min(1),
    /** The tip a 线索核查 task verified, so that a confirmed sighting can be traced back to it. */
    tipId: Id.optional(),
    notes: z.string().optional(),
    completedBy: Id,
    completedAt: IsoTime,
  }),
});

/** A task not acknowledged in time goes to the command center one level up. */
export const TaskEscalated = defineEvent({
  type: 'TaskEscalated',
  version: 1,
  schema: z.object({
    taskId: Id,
    caseId: Id,
    fromCommandCenterId: Id,
    toCommandCenterId: Id,
    reason: z.literal('not-acknowledged'),
    missedDeadlineAt: IsoTime,
    deadlineAt: IsoTime,
    escalatedAt: IsoTime,
  }),
});

const SampleBase = z.object({ taskId: Id, caseId: Id, sampleId: Id });

/** 采血 — a police officer collects a blood sample (only police may collect DNA). */
export const DnaSampleCollected = defineEvent({
  type: 'DnaSampleCollected',
  version: 1,
  schema: SampleBase.extend({
    donor: z.enum(['mother', 'father', 'guardian', 'child']),
    collectedBy: Id,
    collectedAt: IsoTime,
  }),
});

export const DnaSampleSealed = defineEvent({
  type: 'DnaSampleSealed',
  version: 1,
  schema: SampleBase.extend({ sealNumber: Id, sealedBy: Id, sealedAt: IsoTime }),
});

export const DnaSampleReceivedByLab = defineEvent({
  type: 'DnaSampleReceivedByLab',
  version: 1,
  schema: SampleBase.extend({ labId: Id, receivedBy: Id, receivedAt: IsoTime }),
});

/** 入库 — the profile is in the anti-trafficking DNA database; only its reference travels. */
export const DnaProfileEntered = defineEvent({
  type: 'DnaProfileEntered',
  version: 1,
  personal: ['profileRef'],
  schema: SampleBase.extend({ labId: Id, profileRef: Id, enteredAt: IsoTime }),
});

/** 比中 — a match; a first match must be confirmed by a second, independent result. */
export const DnaMatchFound = defineEvent({
  type: 'DnaMatchFound',
  version: 1,
  personal: ['matchRef'],
  schema: SampleBase.extend({
    labId: Id,
    matchRef: Id,
    confirmation: z.enum(['initial', 'confirming']),
    foundAt: IsoTime,
  }),
});

export const DnaNoMatchFound = defineEvent({
  type: 'DnaNoMatchFound',
  version: 1,
  schema: SampleBase.extend({ labId: Id, reportedAt: IsoTime }),
});

/** The parents are identified by a confirmed DNA match. */
export const ParentsIdentifiedByDna = defineEvent({
  type: 'ParentsIdentifiedByDna',
  version: 1,
  personal: ['matchRef'],
  schema: z.object({
    taskId: Id,
    caseId: Id,
    sampleIds: z.array(Id).min(1),
    matchRef: Id,
    identifiedAt: IsoTime,
  }),
});

export const dispatchEvents = [
  InterceptionTaskAssigned,
  InterceptionTasksAssigned,
  SearchTaskAssigned,
  DnaSamplingTaskAssigned,
  EscortTaskAssigned,
  LeadVerificationTaskAssigned,
  TipLinkedToLead,
  TaskAcknowledged,
  TaskCompleted,
  TaskEscalated,
  DnaSampleCollected,
  DnaSampleSealed,
  DnaSampleReceivedByLab,
  DnaProfileEntered,
  DnaMatchFound,
  DnaNoMatchFound,
  ParentsIdentifiedByDna,
] as const;
