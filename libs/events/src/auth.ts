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

export function tokenVerifier(secret: string): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  return async (authorization) => {
    const token = bearer(authorization);
    try {
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
      return Principal.parse(payload);
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
