import { z } from 'zod';
import { defineEvent } from './define.js';
import { Id, IsoTime } from './shared.js';

/**
 * Why a reader asks to see personal data: free text from the caller, recorded as given (trimmed),
 * never empty and never longer than a paragraph.
 */
export const UnmaskingReason = z.string().trim().min(1).max(500);

/** What a read showed: one case file, the whole chain from a sequence number, or one source stream. */
export const UnmaskedScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('case'), caseId: Id }),
  z.object({ kind: z.literal('ledger'), fromSeq: z.number().int().min(1), limit: z.number().int().min(1).nullable() }),
  z.object({ kind: z.literal('stream'), streamId: Id, fromVersion: z.number().int().min(1) }),
]);
export type UnmaskedScope = z.infer<typeof UnmaskedScope>;

/**
 * 个人信息查阅记录 — a read showed personal data (names, phones, DNA references) because of the
 * reader's grant, not their role: who read it, with which grants, what, through which route, why
 * and when. Written before the data leaves the service (PIPL Art. 28, children's and biometric data).
 */
export const PersonalDataUnmasked = defineEvent({
  type: 'PersonalDataUnmasked',
  version: 1,
  schema: z.object({
    reader: z.object({ id: Id, role: Id, grants: z.array(Id) }),
    scope: UnmaskedScope,
    route: Id.describe('method and route pattern, e.g. GET /v1/cases/:caseId'),
    reason: UnmaskingReason,
    unmaskedAt: IsoTime,
  }),
});

export const accessEvents = [PersonalDataUnmasked] as const;
