import { decodeCursor, PageQuery, pageOf, RuleViolation, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { SignedCheckpoint, type CheckpointSigner } from '../checkpoints/signing.js';
import { listCheckpoints, takeCheckpoint } from '../checkpoints/store.js';

const AUDIT = ['auditor'] as const;

/** Signed heads of the chain (see LEDGER.md, "Checkpoints"): made by an auditor at once, listed, and the key to check them. */
export function registerCheckpointRoutes(routes: RouteKit, pool: Pool, signer: CheckpointSigner): void {
  routes.route({
    method: 'POST',
    url: '/v1/ledger/checkpoints',
    summary: "Sign the chain's head now and return the checkpoint, for the auditor to keep",
    tags: ['ledger'],
    roles: AUDIT,
    responses: { 201: SignedCheckpoint },
    handler: async ({ principal, reply }) => {
      const checkpoint = await takeCheckpoint(pool, signer, { by: 'auditor', sub: principal.sub });
      if (checkpoint === null) throw new RuleViolation('LEDGER_EMPTY', 'the ledger has no entry yet: there is no head to sign');
      return reply.code(201).send(checkpoint);
    },
  });

  routes.route({
    method: 'GET',
    url: '/v1/ledger/checkpoints',
    summary: 'Checkpoints made so far, newest first',
    tags: ['ledger'],
    roles: AUDIT,
    query: PageQuery,
    responses: { 200: z.object({ items: z.array(SignedCheckpoint), next: z.string().nullable() }) },
    handler: async ({ query }) => {
      const rows = await listCheckpoints(pool, decodeCursor(query.cursor, z.number().int().positive()), query.limit);
      const { items, next } = pageOf(rows, query.limit, (r) => r.id);
      return { items: items.map((r) => r.checkpoint), next };
    },
  });

  routes.route({
    method: 'GET',
    url: '/v1/ledger/public-key',
    summary: 'The Ed25519 public key checkpoints are signed with, PEM, and its id',
    tags: ['ledger'],
    roles: 'public',
    responses: { 200: z.object({ keyId: z.string(), publicKey: z.string(), algorithm: z.literal('Ed25519') }) },
    handler: () => ({ keyId: signer.keyId, publicKey: signer.publicKeyPem, algorithm: 'Ed25519' as const }),
  });
}
