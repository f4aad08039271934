import { ChildDescription, Forbidden, LastSeen, NotFound, type PersonalData, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { readRelease } from '../projections/releases.js';

const At = z.string().describe('ISO-8601 time');

const Release = z.object({
  caseId: z.string(),
  alertId: z.string(),
  child: ChildDescription.describe('what the public release says of the child'),
  lastSeen: LastSeen,
  radiusKm: z.number().nullable().describe('how far the release reaches now; null before the quick search'),
  closed: z.object({ at: At, reason: z.string() }).nullable(),
  exercise: z.boolean().describe('演练: true for a drill'),
});

/**
 * 信息发布 as a console shows it beside the case's tasks: only what the public release carries,
 * and to a console only for a case its center has a task of. The release names the child by
 * design: the name, kept sealed, is opened for every reader of it (`[erased]` once erased).
 */
export function registerReleaseRoutes(routes: RouteKit, deps: { pool: Pool; schema: string; personal: PersonalData }): void {
  routes.route({
    method: 'GET',
    url: '/v1/releases/:caseId',
    summary: 'The public release of a case’s alert: the child’s public description, where and when last seen, the radius',
    tags: ['consoles'],
    roles: ['console', 'officer', 'auditor'],
    params: z.object({ caseId: z.string().min(1).max(200) }),
    responses: { 200: Release },
    handler: async ({ params, principal }) => {
      let centerId: string | null = null;
      if (principal.role === 'console') {
        if (!principal.commandCenterId) throw new Forbidden('console token names no command center');
        centerId = principal.commandCenterId;
      }
      const release = await readRelease(deps.pool, deps.schema, params.caseId, centerId);
      // A console of a center with no task of the case is told no more than that it has none.
      if (!release) throw new NotFound('release of case', params.caseId);
      return deps.personal.open(release);
    },
  });
}
