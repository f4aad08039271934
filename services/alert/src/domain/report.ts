import { ChildDescription, IsoTime, LastSeen, UpstreamSource } from '@rapid-search/events';
import { z } from 'zod';

/** A mainland mobile number (1[3-9] and nine digits) or a landline with its area code; +86 optional. */
export const PHONE = /^(?:\+86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** The body of `POST /v1/alerts`: shape and ranges; the time and age rules need a clock (see rules.ts). */
export const AlertReportBody = z.object({
  kind: z.literal('report').optional(),
  source: UpstreamSource,
  reportedAt: IsoTime,
  child: ChildDescription.extend({
    name: z.string().trim().min(1).max(200),
    ageYears: z.number().min(0).max(150).optional(),
    description: z.string().max(8000).optional(),
    /** Shown to the public and to consoles: https only, never `javascript:`, `file:` or plain http. */
    photoUrl: z
      .url({ protocol: /^https$/, hostname: z.regexes.domain })
      .max(2000)
      .optional(),
  }),
  lastSeen: LastSeen.extend({ address: z.string().max(1000).optional() }),
  reporter: z.object({
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().regex(PHONE, 'a plausible phone number: mainland mobile 1[3-9]xxxxxxxxx or landline with area code, optional +86'),
    relation: z.string().trim().min(1).max(100),
  }),
  /** 演练 — a drill: every event it causes is marked so in its envelope, and it only ever joins drills. */
  exercise: z.boolean().optional(),
});
export type AlertReport = z.infer<typeof AlertReportBody>;

/**
 * The calling system takes back a report it sent as false: it names the report by the
 * Idempotency-Key it was sent under (for CAP, its `identifier`) and, optionally, its `reportedAt`.
 */
export const WithdrawalBody = z.object({
  kind: z.literal('withdrawal'),
  withdraws: z.object({
    idempotencyKey: z.string().regex(/^[\x21-\x7e]{1,200}$/, '1 to 200 visible ASCII characters'),
    reportedAt: IsoTime.optional(),
  }),
});
export type Withdrawal = z.infer<typeof WithdrawalBody>;

/** What `POST /v1/alerts` takes: a report (`kind` may be left out), or the withdrawal of one. */
export const IntakeBody = z.discriminatedUnion('kind', [AlertReportBody, WithdrawalBody]);

/** Who sent the report: a seeded upstream system, authenticated by its API key or a token. */
export interface Reporter {
  upstreamSystemId: string;
  source: z.infer<typeof UpstreamSource>;
}
