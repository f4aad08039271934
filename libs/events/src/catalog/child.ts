import { z } from 'zod';
import { defineEvent } from './define.js';
import { Id, IsoTime, Point, RegionCode } from './shared.js';

const Placement = z.object({ kind: z.enum(['household', 'institution']), id: Id.optional(), address: z.string().min(1).max(500).optional() });

/**
 * 来历不明儿童 — police record a child of unknown origin (or an adopted child applying for
 * household registration). `caseId` is the child's own reference: the record its DNA-sampling task
 * and registration checks belong to, until a confirmed match links it to a missing child's case.
 */
export const UnknownOriginChildRecorded = defineEvent({
  type: 'UnknownOriginChildRecorded',
  version: 1,
  schema: z.object({
    childRef: Id,
    caseId: Id,
    taskId: Id,
    commandCenterId: Id,
    foundAt: IsoTime,
    place: Point.extend({ address: z.string().min(1).max(500).optional() }),
    apparentAgeYears: z.number().int().min(0).max(18),
    sex: z.enum(['female', 'male', 'unknown']),
    circumstances: z.enum(['begging', 'household', 'hospital', 'welfare-institution', 'registration-application']),
    placement: Placement.optional(),
    recordedBy: Id,
    recordedAt: IsoTime,
  }),
});

/**
 * 比中关联 — a child's confirmed match (the same match re-tested) against the parents of an open
 * case links the child to that case. For a child's sample the lab's match reference is the
 * `profileRef` of the parents' profile it matched; the case is the one whose parents' sample
 * carries it. `taskId` is the child's sampling task; the parents are identified by DNA.
 */
export const UnknownOriginChildMatchedToCase = defineEvent({
  type: 'UnknownOriginChildMatchedToCase',
  version: 1,
  personal: ['matchRef'],
  schema: z.object({
    childRef: Id,
    caseId: Id,
    taskId: Id,
    sampleId: Id,
    matchRef: Id,
    /** The parents' sampling task whose profile the child's sample matched. */
    parentsTaskId: Id,
    /** The centre holding the case's parents' task, and the case's region (who has authority over it). */
    caseCommandCenterId: Id,
    caseRegionCode: RegionCode,
    place: Point.extend({ address: z.string().min(1).max(500).optional() }),
    placement: Placement.optional(),
    matchedAt: IsoTime,
  }),
});

/**
 * 护送移交 — the escort of a child linked to its case, from where it is to the parents the match
 * identified; the household it was found in is presumed the buying family and is never where it
 * goes (不得由收买家庭继续抚养).
 */
export const ReunionEscortTaskAssigned = defineEvent({
  type: 'ReunionEscortTaskAssigned',
  version: 1,
  schema: z.object({
    taskId: Id,
    caseId: Id,
    commandCenterId: Id,
    deadlineAt: IsoTime,
    assignedAt: IsoTime,
    childRef: Id,
    from: Point,
    to: z.literal('identified-parents'),
    /** The household the child was found placed in, when it was one: never the destination. */
    buyingHousehold: Placement.omit({ kind: true }).optional(),
  }),
});

/**
 * 落户核查 — a check at the household-registration gate (严把儿童落户关) and its outcome: cleared only
 * after the child's profile was compared with no match; blocked on a confirmed match; pending else.
 */
export const RegistrationCheckAnswered = defineEvent({
  type: 'RegistrationCheckAnswered',
  version: 1,
  schema: z.object({
    checkId: Id,
    childRef: Id,
    caseId: Id,
    taskId: Id,
    status: z.enum(['cleared', 'blocked', 'pending']),
    /** The sample whose comparison decided a cleared or blocked answer. */
    sampleId: Id.optional(),
    /** The case a blocking match linked the child to, given only to an asker with authority over it. */
    caseRef: Id.optional(),
    checkedBy: Id,
    checkedAt: IsoTime,
  }),
});

export const childEvents = [
  UnknownOriginChildRecorded,
  UnknownOriginChildMatchedToCase,
  ReunionEscortTaskAssigned,
  RegistrationCheckAnswered,
] as const;
