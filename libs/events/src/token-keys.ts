import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { newId } from './ids.js';

/** An Ed25519 public key as a JWK with its key id: what services hold. */
export const PublicJwk = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1), kid: z.string().min(1) });
export const Jwks = z.object({ keys: z.array(PublicJwk).min(1) });
export type Jwks = z.infer<typeof Jwks>;

/** The issuer's key: only the token command (or an issuing service) holds it. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** A private Ed25519 JWK (with `d`) and its kid, as the issuer keeps it on disk. */
export const PrivateJwk = PublicJwk.extend({ d: z.string().min(1) });
export type PrivateJwk = z.infer<typeof PrivateJwk>;

export function generateSigningJwk(kid = `k-${newId()}`): PrivateJwk {
  const { privateKey } = generateKeyPairSync('ed25519');
  return PrivateJwk.parse({ ...privateKey.export({ format: 'jwk' }), kid });
}

export function signingKeyOf(jwk: PrivateJwk): SigningKey {
  return { kid: jwk.kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
}

/** The public half, for the services' JWKS. */
export function publicJwkOf(jwk: PrivateJwk): z.infer<typeof PublicJwk> {
  const pub = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' });
  return PublicJwk.parse({ ...pub, kid: jwk.kid });
}
