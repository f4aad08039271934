import { Readable } from 'node:stream';
import { ReasonQuery, recordUnmasking, type PgEventStore, type RouteKit } from '@rapid-search/events';
import { z } from 'zod';
import { seesPersonalData, sightOf } from '../audit/mask.js';
import { ledgerLines } from '../audit/ndjson.js';
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
          entry: z.record(z.string(), z.unknown()).describe('the event envelope as hashed; personal data masked without the grant personal-data'),
        })
        .describe('one line'),
    },
  },
};

/** Stream versions are 32-bit in the store: a `from` beyond one names no entry and is refused as such. */
const STREAM_VERSION_MAX = 2 ** 31 - 1;

/**
 * The audit ledger, read-only: NDJSON streamed from a cursor, and the verifier's report. A read
 * under the grant personal-data is recorded before its first line is sent.
 */
export function registerLedgerRoutes(routes: RouteKit, store: PgEventStore): void {
  const { pool } = store;
  routes.route({
    method: 'GET',
    url: '/v1/ledger',
    summary: 'Ledger entries in chain order as NDJSON, with prevHash and hash',
    tags: ['ledger'],
    roles: AUDIT,
    query: ReasonQuery.extend({
      from: z.coerce.number().int().min(1).default(1),
      limit: z.coerce.number().int().min(1).optional(),
    }),
    responses: { 200: Lines },
    handler: async ({ query, principal, request, reply }) => {
      const scope = { kind: 'ledger', fromSeq: query.from, limit: query.limit ?? null } as const;
      await recordUnmasking(store, request, { reader: principal, sight: sightOf(principal), scope, reason: query.reason });
      const lines = ledgerLines(pool, { kind: 'all', fromSeq: query.from, limit: query.limit ?? null }, !seesPersonalData(principal));
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
    query: ReasonQuery.extend({ from: z.coerce.number().int().min(1).max(STREAM_VERSION_MAX).default(1) }),
    responses: { 200: Lines },
    handler: async ({ params, query, principal, request, reply }) => {
      const scope = { kind: 'stream', streamId: params.streamId, fromVersion: query.from } as const;
      await recordUnmasking(store, request, { reader: principal, sight: sightOf(principal), scope, reason: query.reason });
      const lines = ledgerLines(pool, { kind: 'stream', streamId: params.streamId, fromVersion: query.from }, !seesPersonalData(principal));
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
