import { z } from 'zod';
import { defineEvent } from './define.js';
import { Id, IsoTime, Point } from './shared.js';

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
    placement: z.object({ kind: z.enum(['household', 'institution']), id: Id.optional(), address: z.string().min(1).max(500).optional() }).optional(),
    recordedBy: Id,
    recordedAt: IsoTime,
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
    checkedBy: Id,
    checkedAt: IsoTime,
  }),
});

export const childEvents = [UnknownOriginChildRecorded, RegistrationCheckAnswered] as const;
