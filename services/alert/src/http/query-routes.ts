import { NotFound, RegionCode, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { findAlert, listAlerts } from '../projections/alerts.js';
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
    query: z.object({
      status: z.enum(['open', 'closed']).optional(),
      regionCode: RegionCode.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    responses: { 200: z.object({ alerts: z.array(AlertView) }) },
    handler: async ({ query, principal }) => {
      const rows = await listAlerts(deps.pool, {
        limit: query.limit,
        ...(query.status ? { status: query.status } : {}),
        ...(query.regionCode ? { regionCode: query.regionCode } : {}),
        ...(principal.role === 'upstream' ? { upstreamSystemId: principal.upstreamSystemId ?? '' } : {}),
      });
      return { alerts: rows.map((r) => viewOf(r, principal)) };
    },
  });
}
