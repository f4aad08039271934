import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { Role } from './envelope.js';
import { RegionCode } from './catalog/shared.js';
import { Forbidden, Unauthenticated } from './errors.js';
import type { Jwks, SigningKey } from './token-keys.js';

/** Who is calling, from a verified bearer token. */
export const Principal = z.object({
  sub: z.string().min(1),
  role: Role,
  commandCenterId: z.string().optional(),
  officerId: z.string().optional(),
  upstreamSystemId: z.string().optional(),
  /** An officer's unit (公安机关) and the region it has jurisdiction over (GB/T 2260). */
  unit: z.object({ id: z.string().min(1), regionCode: RegionCode }).optional(),
  /** Extra grants, e.g. "personal-data" lets an auditor see unmasked names and phones. */
  grants: z.array(z.string()).default([]),
});
export type Principal = z.infer<typeof Principal>;

const ISSUER = 'rapid-search';
const ALGORITHM = 'EdDSA';

/**
 * The longest a token of each role may live. An upstream system's token is its credential and
 * is rotated by its operator; a person's token lasts a duty shift; a lab's a working day.
 */
export const MAX_TOKEN_SECONDS: Record<Role, number> = {
  upstream: 30 * 24 * 3600,
  console: 12 * 3600,
  officer: 12 * 3600,
  'civil-affairs': 12 * 3600,
  lab: 24 * 3600,
  auditor: 8 * 3600,
  system: 3600,
};

/** Clocks of issuer and service may differ this much before an `iat` counts as in the future. */
const CLOCK_SKEW_SECONDS = 60;

export async function signToken(principal: z.input<typeof Principal>, key: SigningKey, ttlSeconds?: number): Promise<string> {
  const { sub, ...claims } = Principal.parse(principal);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + (ttlSeconds ?? MAX_TOKEN_SECONDS[claims.role]))
    .sign(key.privateKey);
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

/** Verified tokens remembered per verifier; past this many the memory starts again from empty. */
const REMEMBERED_TOKENS = 10_000;

/**
 * Checks a bearer token against the services' public keys (a JWKS: the `kid` picks the key, so a
 * new key can be added while tokens signed with the old one stay valid until they expire), its
 * issuer, its `iat` (not in the future) and `exp` (not past, and not further from `iat` than the
 * role may hold a token). A client sends the same token with every request, so a token verified
 * once is remembered by its exact text until it expires: the same text carries the same
 * signature, so only the expiry can change the verdict, and it is checked on every use.
 */
export function tokenVerifier(jwks: Jwks, now: () => number = Date.now): TokenVerifier {
  const keys = createLocalJWKSet(jwks);
  const verified = new Map<string, { principal: Principal; expiresAtMs: number }>();
  return async (authorization) => {
    const token = bearer(authorization);
    const known = verified.get(token);
    if (known && now() < known.expiresAtMs) return known.principal;
    verified.delete(token);
    let principal: Principal;
    let exp: number;
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: ISSUER,
        algorithms: [ALGORITHM],
        requiredClaims: ['exp', 'iat'],
        currentDate: new Date(now()),
      });
      principal = Object.freeze(Principal.parse(payload));
      exp = payload.exp!;
      const iat = payload.iat!;
      if (iat > now() / 1000 + CLOCK_SKEW_SECONDS) throw new Error('issued in the future');
      if (exp - iat > MAX_TOKEN_SECONDS[principal.role]) throw new Error('lives longer than its role may');
    } catch {
      throw new Unauthenticated('invalid or expired bearer token');
    }
    if (verified.size >= REMEMBERED_TOKENS) verified.clear();
    verified.set(token, { principal, expiresAtMs: exp * 1000 });
    return principal;
  };
}

export function bearer(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new Unauthenticated();
  return match[1];
}

export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new Forbidden(`role ${principal.role} may not do this; needs one of ${roles.join(', ')}`);
  }
}
