import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { Role } from './envelope.js';
import { Forbidden, Unauthenticated } from './errors.js';

/** Who is calling, from a verified bearer token. */
export const Principal = z.object({
  sub: z.string().min(1),
  role: Role,
  commandCenterId: z.string().optional(),
  officerId: z.string().optional(),
  upstreamSystemId: z.string().optional(),
  /** Extra grants, e.g. "personal-data" lets an auditor see unmasked names and phones. */
  grants: z.array(z.string()).default([]),
});
export type Principal = z.infer<typeof Principal>;

const ISSUER = 'rapid-search';

export async function signToken(
  principal: z.input<typeof Principal>,
  secret: string,
  ttlSeconds = 8 * 3600,
): Promise<string> {
  const { sub, ...claims } = Principal.parse(principal);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

/** Verified tokens remembered per verifier; past this many the memory starts again from empty. */
const REMEMBERED_TOKENS = 10_000;

/**
 * Checks the signature, issuer and expiry of a bearer token. A client sends the same token with
 * every request, so a token verified once is remembered by its exact text until it expires: a
 * repeat costs a lookup, not an HMAC on the crypto thread pool (a seventh of the alert service's
 * CPU at 100 alerts/s). The same text carries the same signature, so only the expiry can change
 * the verdict, and it is checked on every use.
 */
export function tokenVerifier(secret: string, now: () => number = Date.now): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  const verified = new Map<string, { principal: Principal; expiresAtMs: number }>();
  return async (authorization) => {
    const token = bearer(authorization);
    const known = verified.get(token);
    if (known && now() < known.expiresAtMs) return known.principal;
    verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
        currentDate: new Date(now()),
      });
      const principal = Object.freeze(Principal.parse(payload));
      if (verified.size >= REMEMBERED_TOKENS) verified.clear();
      verified.set(token, { principal, expiresAtMs: payload.exp! * 1000 });
      return principal;
    } catch {
      throw new Unauthenticated('invalid or expired bearer token');
    }
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
