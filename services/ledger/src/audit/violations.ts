import type { AuditRule } from '../domain/audit-rules.js';

/** What an exported chain breaks against a checkpoint an auditor holds (see export-verify.ts). */
export type CheckpointRule = 'CHECKPOINT_SIGNATURE_INVALID' | 'CHECKPOINT_MISMATCH' | 'CHECKPOINT_NOT_IN_EXPORT';

export type ViolationRule = 'BROKEN_LINK' | 'MALFORMED_LINE' | CheckpointRule | AuditRule;

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
