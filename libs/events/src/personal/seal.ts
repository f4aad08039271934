import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

/**
 * A personal field at rest and in transit: `pd1.<key id>.<iv>.<ciphertext and tag>`, base64url.
 * Encrypted with AES-256-GCM under the data key of its case, with a synthetic IV (an HMAC of the
 * clear text under the same key): within one case the same value always seals to the same text, so
 * a decider that compares two DNA references compares sealed texts, and across cases nothing
 * matches. Destroying the case's key makes every such text unreadable for good.
 */
const SEALED = /^pd1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a reader is shown in place of a field whose key was destroyed. */
export const ERASED = '[erased]';

/**
 * A case's data key, split into the keys it is used as. Held as key objects: given raw bytes, each
 * cipher and HMAC has Node 24 throw and catch two errors while it tells what kind of key it got,
 * which costs several times what sealing a field does.
 */
export interface DataKey {
  readonly id: string;
  readonly encryption: KeyObject;
  readonly iv: KeyObject;
}

export function dataKeyOf(id: string, raw: Buffer): DataKey {
  // The key material as a key object too, for the same reason: HKDF takes either.
  const material = createSecretKey(raw);
  const derive = (info: string) => createSecretKey(Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), info, 32)));
  return { id, encryption: derive('rapid-search personal data: encryption'), iv: derive('rapid-search personal data: iv') };
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && SEALED.test(value);
}

/** The id of the key a sealed text was sealed with. */
export function keyIdOf(sealed: string): string {
  const m = SEALED.exec(sealed);
  if (!m) throw new Error('not a sealed personal field');
  return m[1]!;
}

export function seal(key: DataKey, clear: string): string {
  const iv = createHmac('sha256', key.iv).update(clear, 'utf8').digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.encryption, iv);
  cipher.setAAD(Buffer.from(key.id, 'utf8'));
  const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `pd1.${key.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The clear text; throws when the text was altered or sealed under another key. */
export function unseal(key: DataKey, sealed: string): string {
  const m = SEALED.exec(sealed);
  if (!m || m[1] !== key.id) throw new Error('not sealed under this key');
  const body = Buffer.from(m[3]!, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key.encryption, Buffer.from(m[2]!, 'base64url'));
  decipher.setAAD(Buffer.from(key.id, 'utf8'));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** A data key as the vault stores it: encrypted under the key-encryption key, which only the services hold. */
export function wrapKey(kek: KeyObject | Buffer, raw: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  return Buffer.concat([iv, cipher.update(raw), cipher.final(), cipher.getAuthTag()]);
}

export function unwrapKey(kek: KeyObject | Buffer, wrapped: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, IV_BYTES));
  decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
  return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
}

export const newDataKey = (): Buffer => randomBytes(32);

/**
 * A keyed hash of a value a service must find again across cases (a duplicate report, a DNA
 * profile): equal values give equal indexes, and without the key no index can be tried against a
 * guess. Kept only in tables that erasure clears, never in an event.
 */
export function blindIndex(indexKey: KeyObject | Buffer, value: string): string {
  return createHmac('sha256', indexKey).update(value, 'utf8').digest('base64url');
}

/** The blind-index key, derived from the key-encryption key so that a deployment holds one secret. */
export function indexKeyOf(kek: Buffer): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'rapid-search personal data: blind index', 32)));
}
