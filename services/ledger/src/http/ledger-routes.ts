import { Readable } from 'node:stream';
import {
  ReasonQuery,
  recordUnmasking,
  type PersonalData,
  type PgEventStore,
  type Principal,
  type RouteKit,
  type UnmaskedScope,
} from '@rapid-search/events';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sightOf } from '../audit/mask.js';
import { ledgerLines, type EntryView } from '../audit/ndjson.js';
import { verifyLedger } from '../audit/verify.js';

const AUDIT = ['auditor'] as const;
const NDJSON = 'application/x-ndjson; charset=utf-8';

/** Streamed, never serialized: the schema documents each line of the body (see LEDGER.md). */
const Lines = {
  description: 'NDJSON, one entry a line, in chain order',
  content: {
    'application/x-ndjson': {
      schema: z
        .object({
          seq: z.number().int().positive(),
          topic: z.string(),
          prevHash: z.string(),
          hash: z.string().describe('sha256(prevHash ‖ entry)'),
          entry: z
            .record(z.string(), z.unknown())
            .describe('the event envelope; personal data masked without the grant personal-data, opened unless form=sealed (then as hashed)'),
        })
        .describe('one line'),
    },
  },
};

/**
 * `sealed` serves the entries as hashed, their personal fields sealed, so that an export re-hashes
 * offline; it shows no personal data, so it needs no reason and records nothing.
 */
const ViewQuery = ReasonQuery.extend({ form: z.enum(['opened', 'sealed']).default('opened') });

/** Stream versions are 32-bit in the store: a `from` beyond one names no entry and is refused as such. */
const STREAM_VERSION_MAX = 2 ** 31 - 1;

/**
 * The audit ledger, read-only: NDJSON streamed from a cursor, and the verifier's report. A read
 * under the grant personal-data is recorded before its first line is sent.
 */
export function registerLedgerRoutes(routes: RouteKit, store: PgEventStore, personal: PersonalData): void {
  const { pool } = store;
  /** Masking has its say first: a masked reader gets masked entries whatever form they ask for. */
  const viewFor = async (
    request: FastifyRequest,
    principal: Principal,
    query: z.infer<typeof ViewQuery>,
    scope: UnmaskedScope,
  ): Promise<EntryView> => {
    const sight = sightOf(principal);
    if (sight === 'masked') return { kind: 'masked' };
    if (query.form === 'sealed') return { kind: 'sealed' };
    await recordUnmasking(store, request, { reader: principal, sight, scope, reason: query.reason });
    return { kind: 'opened', personal };
  };
  routes.route({
    method: 'GET',
    url: '/v1/ledger',
    summary: 'Ledger entries in chain order as NDJSON, with prevHash and hash',
    tags: ['ledger'],
    roles: AUDIT,
    query: ViewQuery.extend({
      from: z.coerce.number().int().min(1).default(1),
      limit: z.coerce.number().int().min(1).optional(),
    }),
    responses: { 200: Lines },
    handler: async ({ query, principal, request, reply }) => {
      const view = await viewFor(request, principal, query, { kind: 'ledger', fromSeq: query.from, limit: query.limit ?? null });
      const lines = ledgerLines(pool, { kind: 'all', fromSeq: query.from, limit: query.limit ?? null }, view);
      return reply.type(NDJSON).send(Readable.from(lines, { highWaterMark: 1 }));
    },
  });

  routes.route({
    method: 'GET',
    url: '/v1/ledger/streams/:streamId',
    summary: "One source stream's entries (from = its stream version) as NDJSON",
    tags: ['ledger'],
    roles: AUDIT,
    params: z.object({ streamId: z.string().min(1).max(300) }),
    query: ViewQuery.extend({ from: z.coerce.number().int().min(1).max(STREAM_VERSION_MAX).default(1) }),
    responses: { 200: Lines },
    handler: async ({ params, query, principal, request, reply }) => {
      const view = await viewFor(request, principal, query, { kind: 'stream', streamId: params.streamId, fromVersion: query.from });
      const lines = ledgerLines(pool, { kind: 'stream', streamId: params.streamId, fromVersion: query.from }, view);
      return reply.type(NDJSON).send(Readable.from(lines, { highWaterMark: 1 }));
    },
  });

  routes.route({
    method: 'GET',
    url: '/v1/ledger/verify',
    summary: 'Recompute the hash chain and replay every case through the case rules',
    tags: ['ledger'],
    roles: AUDIT,
    responses: {
      200: z.object({
        ok: z.boolean(),
        entries: z.number(),
        head: z.object({ seq: z.number(), hash: z.string() }).nullable(),
        brokenLinks: z.number(),
        violations: z.array(z.object({ seq: z.number(), eventId: z.string(), rule: z.string(), message: z.string() })),
      }),
    },
    handler: async () => verifyLedger(pool),
  });
}
