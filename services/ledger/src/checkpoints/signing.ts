import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../audit/canonical.js';

/** The head of the chain as signed: what an auditor holds against a later export. */
export interface CheckpointHead {
  seq: number;
  hash: string;
  /** ISO 8601, exactly the text that was signed. */
  signedAt: string;
}

/** A checkpoint as served and kept: the signed head, the key's id, and the public key to check it with. */
export const SignedCheckpoint = z.object({
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  signedAt: z.string().min(1),
  keyId: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('sha256 of the public key in DER (SubjectPublicKeyInfo), hex'),
  signature: z.string().min(1).describe('Ed25519 over the JCS of {hash, keyId, seq, signedAt}, base64'),
  publicKey: z.string().min(1).describe('the Ed25519 public key, PEM (SubjectPublicKeyInfo)'),
});
export type SignedCheckpoint = z.infer<typeof SignedCheckpoint>;

/** The bytes an Ed25519 signature covers: RFC 8785 (JCS) of the head and the key's id, UTF-8. */
export function signedBytes(head: CheckpointHead, keyId: string): Buffer {
  return Buffer.from(canonicalJson({ hash: head.hash, keyId, seq: head.seq, signedAt: head.signedAt }), 'utf8');
}

/** A key's id: sha256 of its DER SubjectPublicKeyInfo, so `openssl pkey -pubin -outform DER | sha256sum` reproduces it. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The ledger's checkpoint key: a PKCS#8 PEM Ed25519 private key, from configuration. */
export class CheckpointSigner {
  readonly #privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(privateKeyPem: string) {
    this.#privateKey = createPrivateKey(privateKeyPem);
    if (this.#privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the checkpoint key must be an Ed25519 private key');
    const publicKey = createPublicKey(this.#privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyIdOf(publicKey);
  }

  sign(head: CheckpointHead): SignedCheckpoint {
    const signature = sign(null, signedBytes(head, this.keyId), this.#privateKey).toString('base64');
    return { ...head, keyId: this.keyId, signature, publicKey: this.publicKeyPem };
  }
}

/**
 * Whether a checkpoint's signature holds under its own public key, and that key is the one its id
 * names; a pinned key (one the auditor obtained apart) must be that key too.
 */
export function checkpointProblem(checkpoint: SignedCheckpoint, pinnedPublicKeyPem?: string): string | null {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(checkpoint.publicKey);
  } catch {
    return 'its public key is not a PEM public key';
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') return 'its public key is not an Ed25519 key';
  if (keyIdOf(publicKey) !== checkpoint.keyId) return `its keyId ${checkpoint.keyId} is not the id of its public key`;
  if (pinnedPublicKeyPem !== undefined && keyIdOf(createPublicKey(pinnedPublicKeyPem)) !== checkpoint.keyId) {
    return `it is signed by key ${checkpoint.keyId}, not by the pinned public key`;
  }
  const holds = verify(null, signedBytes(checkpoint, checkpoint.keyId), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  return holds ? null : 'its signature does not hold';
}
