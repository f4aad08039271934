import {
  decodeCursor,
  NotFound,
  PageQuery,
  pageOf,
  ReasonQuery,
  recordUnmasking,
  RegionCode,
  type PersonalData,
  type PgEventStore,
  type RouteKit,
} from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { AlertCursor, findAlert, listAlerts } from '../db/alert-reads.js';
import { AlertView, openedViews, sightOf, visibleTo } from './alert-view.js';

const READERS = ['upstream', 'officer', 'console', 'auditor'] as const;

/**
 * Alerts as each role may see them. An auditor under the grant personal-data sees the child's name
 * in one alert at a time, with a reason, recorded; a list never unmasks under a grant.
 */
export function registerQueryRoutes(routes: RouteKit, deps: { pool: Pool; store: PgEventStore; personal: PersonalData }): void {
  routes.route({
    method: 'GET',
    url: '/v1/alerts/:alertId',
    summary:
      "The current state of an alert: status, public-release radius, case, times (an auditor under the grant personal-data gives a reason to see the child's name, recorded)",
    tags: ['alerts'],
    roles: READERS,
    params: z.object({ alertId: z.string().min(1).max(100) }),
    query: ReasonQuery,
    responses: { 200: AlertView },
    handler: async ({ params, query, principal, request }) => {
      const row = await findAlert(deps.pool, params.alertId);
      if (!row || !visibleTo(row, principal)) throw new NotFound('alert', params.alertId);
      const sight = sightOf(principal);
      await recordUnmasking(deps.store, request, { reader: principal, sight, scope: { kind: 'case', caseId: row.case_id }, reason: query.reason });
      const [view] = await openedViews(deps.personal, [row], principal, sight);
      return view!;
    },
  });

  routes.route({
    method: 'GET',
    url: '/v1/alerts',
    summary: "Alerts, newest first, by status and region of last sighting (an auditor sees the child's name masked, grant or not)",
    tags: ['alerts'],
    roles: READERS,
    query: PageQuery.extend({
      status: z.enum(['open', 'closed']).optional(),
      regionCode: RegionCode.optional(),
    }),
    responses: { 200: z.object({ alerts: z.array(AlertView), next: z.string().nullable() }) },
    handler: async ({ query, principal }) => {
      const rows = await listAlerts(deps.pool, {
        limit: query.limit + 1,
        before: decodeCursor(query.cursor, AlertCursor),
        ...(query.status ? { status: query.status } : {}),
        ...(query.regionCode ? { regionCode: query.regionCode } : {}),
        ...(principal.role === 'upstream' ? { upstreamSystemId: principal.upstreamSystemId ?? '' } : {}),
      });
      const { items, next } = pageOf(rows, query.limit, (r) => [new Date(r.opened_at).toISOString(), r.alert_id]);
      const sight = sightOf(principal);
      return { alerts: await openedViews(deps.personal, items, principal, sight === 'by-grant' ? 'masked' : sight), next };
    },
  });
}
