import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { CheckpointSigner } from '../checkpoints/signing.js';
import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';
import { verifyExport } from './export-verify.js';

const AT = '2025-05-03T10:00:00.000Z';
const newKey = (): string => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signer = new CheckpointSigner(newKey());

const entry = (n: number, summary: string) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'LeadReported',
  version: 1,
  streamId: 'case-c1',
  streamVersion: n,
  position: n,
  caseId: 'c1',
  metadata: { actor: { id: 'o', role: 'officer' }, correlationId: 'c', causationId: null },
  occurredAt: AT,
  recordedAt: AT,
  data: { summary },
});

/** An export as GET /v1/ledger writes it, every hash recomputed: what a superuser who rewrites and re-hashes leaves behind. */
function exported(summaries: string[]): string[] {
  let prev = GENESIS_HASH;
  return summaries.map((summary, i) => {
    const text = canonicalJson(entry(i + 1, summary));
    const hash = chainHash(prev, text);
    const line = `{"seq":${i + 1},"topic":"ledger.events.v1","prevHash":"${prev}","hash":"${hash}","entry":${text}}`;
    prev = hash;
    return line;
  });
}

const headOf = (lines: string[], seq: number) => signer.sign({ seq, hash: (JSON.parse(lines[seq - 1]!) as { hash: string }).hash, signedAt: AT });
async function* from(lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

t.test('given an export and a checkpoint of its entry 3, when verified offline, then it holds', async (t) => {
  const lines = exported(['a', 'b', 'c', 'd']);
  const report = await verifyExport(from(lines), [headOf(lines, 3)]);
  t.ok(report.ok);
  t.same(report.checkpoints, [{ seq: 3, signedAt: AT, keyId: signer.keyId, holds: true }]);
  t.equal(report.entries, 4);
});

t.test(
  'given entry 2 rewritten and every later hash recomputed behind a checkpoint of entry 3, when verified, then the checkpoint names the rewrite',
  async (t) => {
    const held = headOf(exported(['a', 'b', 'c', 'd']), 3);
    const report = await verifyExport(from(exported(['a', 'B', 'c', 'd'])), [held]);
    t.notOk(report.ok);
    t.equal(report.brokenLinks, 0, 'the links alone hold: the rewrite was re-hashed');
    t.equal(report.violations.length, 1);
    t.equal(report.violations[0]!.rule, 'CHECKPOINT_MISMATCH');
    t.match(report.violations[0]!.message, `checkpoint of entry 3 signed at ${AT} by key ${signer.keyId}`);
    t.same(
      report.checkpoints.map((c) => c.holds),
      [false],
    );
  },
);

t.test('given a rewrite after the checkpoint, when verified, then that checkpoint still holds', async (t) => {
  const held = headOf(exported(['a', 'b', 'c', 'd']), 2);
  const report = await verifyExport(from(exported(['a', 'b', 'c', 'D'])), [held]);
  t.ok(report.ok);
});

t.test('given a checkpoint whose hash was altered, when verified, then its signature is refused', async (t) => {
  const lines = exported(['a', 'b']);
  const forged = { ...headOf(lines, 1), hash: 'f'.repeat(64) };
  const report = await verifyExport(from(lines), [forged]);
  t.same(
    report.violations.map((v) => v.rule),
    ['CHECKPOINT_SIGNATURE_INVALID'],
  );
});

t.test('given a checkpoint signed by another key than the pinned one, when verified, then it is refused', async (t) => {
  const lines = exported(['a']);
  const other = new CheckpointSigner(newKey());
  const report = await verifyExport(from(lines), [headOf(lines, 1)], other.publicKeyPem);
  t.match(report.violations[0]!.message, 'not by the pinned public key');
});

t.test('given an export cut short before a checkpoint, when verified, then the checkpoint is not in the export', async (t) => {
  const lines = exported(['a', 'b', 'c']);
  const report = await verifyExport(from(lines.slice(0, 2)), [headOf(lines, 3)]);
  t.same(
    report.violations.map((v) => v.rule),
    ['CHECKPOINT_NOT_IN_EXPORT'],
  );
});

t.test('given a masked export, when verified, then its masked entries do not re-hash', async (t) => {
  const lines = exported(['a', 'b']).map((l) => l.replace('"summary":"b"', '"summary":"[masked]"'));
  const report = await verifyExport(from(lines), []);
  t.equal(report.brokenLinks, 1);
});

t.test('given a prevHash with a hex digit swapped for a character Latin-1 folds onto it, when verified, then the link is broken', async (t) => {
  const lines = exported(['a', 'b', 'c']);
  const line = JSON.parse(lines[1]!) as { prevHash: string };
  const digit = line.prevHash.search(/[0-9]/);
  const forged = line.prevHash.slice(0, digit) + String.fromCharCode(0x100 + line.prevHash.charCodeAt(digit)) + line.prevHash.slice(digit + 1);
  lines[1] = lines[1]!.replace(line.prevHash, forged);
  const report = await verifyExport(from(lines), []);
  t.notOk(report.ok);
  t.equal(report.brokenLinks, 1);
  t.match(report.violations, [{ seq: 2, rule: 'BROKEN_LINK' }]);
});
