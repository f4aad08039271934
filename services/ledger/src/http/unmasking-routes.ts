import { decodeCursor, IsoTime, PageQuery, pageOf, UnmaskedScope, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { listUnmaskings } from '../audit/unmaskings.js';

const Unmasking = z.object({
  seq: z.number().int().positive().describe('its place on the chain'),
  topic: z.string().describe('the topic of the service whose read it was'),
  eventId: z.string(),
  caseId: z.string().nullable(),
  reader: z.object({ id: z.string(), role: z.string(), grants: z.array(z.string()) }),
  scope: UnmaskedScope,
  route: z.string(),
  reason: z.string(),
  unmaskedAt: z.string(),
});

const SeqCursor = z.number().int().positive();

/** 个人信息查阅记录: who saw personal data under a grant, what and why, for auditors. */
export function registerUnmaskingRoutes(routes: RouteKit, pool: Pool): void {
  routes.route({
    method: 'GET',
    url: '/v1/ledger/unmaskings',
    summary: 'Reads that showed personal data under a grant (PersonalDataUnmasked on the chain), newest first',
    description: 'Listed from the chain, which trails the reads by the audit consumer (about a second).',
    tags: ['ledger'],
    roles: ['auditor'],
    query: PageQuery.extend({
      caseId: z.string().min(1).max(200).optional(),
      actor: z.string().min(1).max(200).optional().describe("the reader's id: an officer's id, else the token's subject"),
      since: IsoTime.optional().describe('unmaskedAt on or after'),
      until: IsoTime.optional().describe('unmaskedAt before'),
    }),
    responses: { 200: z.object({ unmaskings: z.array(Unmasking), next: z.string().nullable() }) },
    handler: async ({ query }) => {
      const rows = await listUnmaskings(pool, {
        caseId: query.caseId,
        actor: query.actor,
        since: query.since,
        until: query.until,
        beforeSeq: decodeCursor(query.cursor, SeqCursor),
        limit: query.limit + 1,
      });
      const { items, next } = pageOf(rows, query.limit, (r) => r.seq);
      return { unmaskings: items, next };
    },
  });
}
