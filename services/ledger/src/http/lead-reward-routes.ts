import { decodeCursor, PageQuery, pageOf, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';

const Reward = z.object({
  position: z.number().int().positive(),
  caseId: z.string(),
  tipId: z.string(),
  leadTaskId: z.string(),
  contact: z.object({ maskedPhone: z.string() }).optional().describe("the tipster's phone, masked when recorded"),
  recordedBy: z.string(),
  recordedAt: z.string(),
});

/** 有效线索奖励, across cases: what auditors check the reward decisions by. */
export function registerLeadRewardRoutes(routes: RouteKit, pool: Pool): void {
  routes.route({
    method: 'GET',
    url: '/v1/lead-rewards',
    summary: '有效线索奖励 — every confirmed lead recorded as having helped rescue a child, newest first',
    tags: ['cases'],
    roles: ['auditor', 'officer'],
    query: PageQuery.extend({ caseId: z.string().min(1).max(200).optional() }),
    responses: { 200: z.object({ rewards: z.array(Reward), next: z.string().nullable() }) },
    handler: async ({ query }) => {
      const before = decodeCursor(query.cursor, z.number().int().positive());
      const { rows } = await pool.query<{ position: string; data: Omit<z.infer<typeof Reward>, 'position'> }>(
        `SELECT position, data FROM ledger.events
         WHERE type = 'LeadRewardEligibilityRecorded' AND ($1::text IS NULL OR case_id = $1) AND ($2::bigint IS NULL OR position < $2)
         ORDER BY position DESC LIMIT $3`,
        [query.caseId ?? null, before ?? null, query.limit + 1],
      );
      const rewards = rows.map((r) => ({ position: Number(r.position), ...r.data }));
      const { items, next } = pageOf(rewards, query.limit, (r) => r.position);
      return { rewards: items, next };
    },
  });
}
