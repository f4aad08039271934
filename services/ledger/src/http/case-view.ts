import { OfficerRef } from '@rapid-search/events';
import { z } from 'zod';

const At = z.string().describe('ISO-8601 time');

/** The case file as GET /v1/cases/:caseId answers it: CaseState (domain/state.ts), masked or not. */
export const CaseView = z.object({
  caseId: z.string(),
  version: z.number().int().nonnegative().describe('how many case events are stored'),
  exercise: z.boolean().describe("演练: true when the case file is a drill's"),
  opened: z.object({ alertId: z.string(), regionCode: z.string(), openedAt: At }).nullable(),
  group: z
    .object({
      chief: OfficerRef,
      packages: z
        .object({ investigation: z.string(), rescue: z.string(), familySupport: z.string() })
        .describe('the owner of each of the three packages'),
      formedAt: At,
      dissolvedAt: At.nullable(),
    })
    .nullable(),
  progressNotes: z.number().int().nonnegative(),
  solvedAt: At.nullable(),
  withdrawnAt: At.nullable().describe('报警撤回: when the report was withdrawn as false'),
  rescue: z.object({ rescuedAt: At, householdId: z.string().nullable() }).nullable(),
  parents: z.object({ method: z.enum(['dna', 'verified-identification']), evidenceRef: z.string(), identifiedAt: At }).nullable(),
  returnedAt: At.nullable(),
  handover: z
    .object({
      handoverId: z.string(),
      institutionId: z.string(),
      placement: z.object({ kind: z.enum(['institution', 'household']), id: z.string() }),
      foundInHouseholdId: z.string(),
      initiatedAt: At,
      acceptedAt: At.nullable(),
      acceptedBy: z.string().nullable(),
    })
    .nullable(),
  dedicatedFile: z.object({ policeStationId: z.string(), openedAt: At }).nullable(),
  followUpVisits: z.number().int().nonnegative(),
  registrationEligibleAt: At.nullable(),
  leadRewards: z.array(z.string()).describe('有效线索奖励: the tips recorded as having helped'),
  supervision: z.object({ listedBy: z.string(), reason: z.string(), listedAt: At }).nullable(),
  erasedAt: At.nullable().describe("个人信息删除: when the case's personal data was erased; its fields read '[erased]' since"),
});
