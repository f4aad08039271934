import { createHash } from 'node:crypto';
import { bearer, readSeed, Unauthenticated, UpstreamSource, type Principal, type TokenVerifier } from '@rapid-search/events';
import { z } from 'zod';
import type { Reporter } from '../domain/report.js';

const UpstreamSystem = z.object({
  id: z.string().min(1),
  name: z.string(),
  source: UpstreamSource,
  regionCode: z.string(),
  apiKeySha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type UpstreamSystem = z.infer<typeof UpstreamSystem>;

export function loadUpstreamSystems(): UpstreamSystem[] {
  return readSeed('upstream-systems.json', z.array(UpstreamSystem));
}

/**
 * Upstream systems call with their own API key (only its sha256 is kept) or, like everyone else,
 * with a signed token; staff tokens go through the kernel verifier unchanged.
 */
export function upstreamAwareVerifier(systems: UpstreamSystem[], verifyToken: TokenVerifier): TokenVerifier {
  const byKeyHash = new Map(systems.map((s) => [s.apiKeySha256, s]));
  return async (authorization) => {
    const system = byKeyHash.get(createHash('sha256').update(bearer(authorization)).digest('hex'));
    if (system) return { sub: system.id, role: 'upstream', upstreamSystemId: system.id, grants: [] };
    return verifyToken(authorization);
  };
}

/** The seeded system behind an upstream principal; a token naming no seeded system is not a caller. */
export function reporterOf(principal: Principal, systems: Map<string, UpstreamSystem>): Reporter {
  const system = principal.upstreamSystemId ? systems.get(principal.upstreamSystemId) : undefined;
  if (!system) throw new Unauthenticated('the token names no known upstream system');
  return { upstreamSystemId: system.id, source: system.source };
}
