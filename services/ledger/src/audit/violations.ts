import type { AuditRule } from '../domain/audit-rules.js';

export type ViolationRule = 'BROKEN_LINK' | AuditRule;

export interface Violation {
  seq: number;
  eventId: string;
  rule: ViolationRule;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  /** Every link that does not hold; only the first is listed among the violations. */
  brokenLinks: number;
  violations: Violation[];
}
