import { decodeCursor, NotFound, PageQuery, pageOf, RegionCode, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { AlertCursor, findAlert, listAlerts } from '../db/alert-reads.js';
import { AlertView, viewOf, visibleTo } from './alert-view.js';

const READERS = ['upstream', 'officer', 'console', 'auditor'] as const;

export function registerQueryRoutes(routes: RouteKit, deps: { pool: Pool }): void {
  routes.route({
    method: 'GET',
    url: '/v1/alerts/:alertId',
    summary: 'The current state of an alert: status, public-release radius, case, times',
    tags: ['alerts'],
    roles: READERS,
    params: z.object({ alertId: z.string().min(1).max(100) }),
    responses: { 200: AlertView },
    handler: async ({ params, principal }) => {
      const row = await findAlert(deps.pool, params.alertId);
      if (!row || !visibleTo(row, principal)) throw new NotFound('alert', params.alertId);
      return viewOf(row, principal);
    },
  });

  routes.route({
    method: 'GET',
    url: '/v1/alerts',
    summary: 'Alerts, newest first, by status and region of last sighting',
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
      return { alerts: items.map((r) => viewOf(r, principal)), next };
    },
  });
}
