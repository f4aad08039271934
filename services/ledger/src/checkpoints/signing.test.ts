import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CheckpointSigner, checkpointProblem } from './signing.js';

const signer = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const head = { seq: 42, hash: 'ab'.repeat(32), signedAt: '2025-05-03T10:00:00.000Z' };

/** The steps of LEDGER.md, "Checking a checkpoint with openssl", as an auditor types them. */
function opensslSteps(dir: string): string {
  const script = `
    set -e
    cd "$DIR"
    jq -r .publicKey checkpoint.json > ledger-key.pem
    jq -jcS '{hash,keyId,seq,signedAt}' checkpoint.json > signed.json
    jq -r .signature checkpoint.json | base64 -d > signature.bin
    openssl pkey -pubin -in ledger-key.pem -outform DER | sha256sum | cut -d' ' -f1
    openssl pkeyutl -verify -pubin -inkey ledger-key.pem -rawin -in signed.json -sigfile signature.bin
  `;
  return execFileSync('sh', ['-c', script], { env: { ...process.env, DIR: dir } }).toString();
}

t.test('given a signed checkpoint, when an auditor follows LEDGER.md with jq and openssl, then the key id and the signature check', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(signer.sign(head), null, 2));
  const [keyId, verdict] = opensslSteps(dir).trim().split('\n');
  t.equal(keyId, signer.keyId);
  t.equal(verdict, 'Signature Verified Successfully');
});

t.test('given a checkpoint whose seq was altered, when openssl checks it, then the signature fails', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify({ ...signer.sign(head), seq: 41 }));
  t.throws(() => opensslSteps(dir));
});

t.test('given a signed checkpoint, when checked in code, then it holds, and altered it does not', async (t) => {
  const checkpoint = signer.sign(head);
  t.equal(checkpointProblem(checkpoint), null);
  t.equal(checkpointProblem({ ...checkpoint, signedAt: '2025-05-03T10:00:01.000Z' }), 'its signature does not hold');
  t.match(checkpointProblem({ ...checkpoint, keyId: '0'.repeat(64) }), 'is not the id of its public key');
});

t.test('given a key that is not Ed25519, when the signer is made, then it is refused', async (t) => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  t.throws(() => new CheckpointSigner(rsa), /Ed25519/);
});
