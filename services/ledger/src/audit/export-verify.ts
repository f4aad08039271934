import { checkpointProblem, type SignedCheckpoint } from '../checkpoints/signing.js';
import { canonicalJson, GENESIS_HASH } from './canonical.js';
import { CaseRules } from './case-rules.js';
import { ChainLinks } from './chain-links.js';
import { reportOf } from './report.js';
import type { VerifyReport, Violation } from './violations.js';

/** What an export showed against each checkpoint held: its signature, and the export's entry at its seq. */
export interface CheckpointVerdict {
  seq: number;
  signedAt: string;
  keyId: string;
  holds: boolean;
}

export type ExportReport = VerifyReport & { checkpoints: CheckpointVerdict[] };

interface ExportLine {
  seq: number;
  hash: string;
  prevHash: string;
  entry: unknown;
}

const lineOf = (text: string): ExportLine | null => {
  try {
    const line = JSON.parse(text) as Partial<ExportLine>;
    if (typeof line.seq !== 'number' || typeof line.hash !== 'string' || typeof line.prevHash !== 'string') return null;
    if (typeof line.entry !== 'object' || line.entry === null) return null;
    return line as ExportLine;
  } catch {
    return null;
  }
};

/**
 * Verifies an NDJSON export of the ledger (GET /v1/ledger with the grant personal-data) offline:
 * the links, the case rules, and each checkpoint held. Each entry is re-canonicalised (RFC 8785
 * gives back the very bytes that were hashed). The links alone cannot catch a chain rewritten and
 * re-hashed from some entry on; a checkpoint signed before the rewrite does, since the hash it
 * signed is no longer the export's hash at its seq.
 */
export async function verifyExport(
  lines: AsyncIterable<string>,
  checkpoints: readonly SignedCheckpoint[],
  pinnedPublicKeyPem?: string,
): Promise<ExportReport> {
  const links = new ChainLinks({ seq: 0, hash: GENESIS_HASH });
  const rules = new CaseRules();
  const extra: Violation[] = [];
  const wanted = new Map<number, SignedCheckpoint[]>();
  const verdicts = new Map<SignedCheckpoint, CheckpointVerdict>();
  for (const checkpoint of checkpoints) {
    const problem = checkpointProblem(checkpoint, pinnedPublicKeyPem);
    verdicts.set(checkpoint, { seq: checkpoint.seq, signedAt: checkpoint.signedAt, keyId: checkpoint.keyId, holds: problem === null });
    if (problem === null) wanted.set(checkpoint.seq, [...(wanted.get(checkpoint.seq) ?? []), checkpoint]);
    else extra.push({ seq: checkpoint.seq, eventId: '', rule: 'CHECKPOINT_SIGNATURE_INVALID', message: `${named(checkpoint)}: ${problem}` });
  }
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (text.trim() === '') continue;
    const line = lineOf(text);
    if (line === null) {
      extra.push({ seq: 0, eventId: '', rule: 'MALFORMED_LINE', message: `line ${lineNo} is not a ledger entry` });
      continue;
    }
    const canonical = Buffer.from(canonicalJson(line.entry), 'utf8');
    const eventId = (): string => String((line.entry as { eventId?: unknown }).eventId ?? '');
    // UTF-8, as the ledger stores text: a character outside hex never reads as a hex digit.
    const stored = Buffer.from(line.hash, 'utf8');
    const bytes = Buffer.concat([stored, Buffer.from(line.prevHash, 'utf8'), canonical]);
    links.check({ seq: line.seq, bytes, hashAt: 0, hashEnd: stored.length, linkedAt: stored.length, linkedEnd: bytes.length, eventId });
    rules.replay(line.seq, canonical, 0, canonical.length, eventId);
    const held = wanted.get(line.seq) ?? [];
    wanted.delete(line.seq);
    for (const checkpoint of held) {
      if (checkpoint.hash === line.hash) continue;
      verdicts.get(checkpoint)!.holds = false;
      extra.push({
        seq: line.seq,
        eventId: eventId(),
        rule: 'CHECKPOINT_MISMATCH',
        message: `${named(checkpoint)} signed hash ${checkpoint.hash} at entry ${line.seq}; the export has ${line.hash} there: the chain was rewritten at or before entry ${line.seq}`,
      });
    }
  }
  for (const [seq, held] of wanted) {
    for (const checkpoint of held) {
      verdicts.get(checkpoint)!.holds = false;
      extra.push({ seq, eventId: '', rule: 'CHECKPOINT_NOT_IN_EXPORT', message: `${named(checkpoint)}: the export ends before entry ${seq}` });
    }
  }
  const report = reportOf([links.verdict], rules);
  const violations = [...report.violations, ...extra].sort((a, b) => a.seq - b.seq);
  return { ...report, ok: violations.length === 0, violations, checkpoints: [...verdicts.values()] };
}

const named = (c: SignedCheckpoint): string => `checkpoint of entry ${c.seq} signed at ${c.signedAt} by key ${c.keyId}`;
