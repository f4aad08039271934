import type { Keyring, PgEventStore, RouteKit } from '@rapid-search/events';
import { z } from 'zod';
import { erasePersonalData } from '../erasure.js';
import { actorOf } from './case-routes.js';

/** 个人信息删除 over HTTP: the case's data key destroyed on an officer's request. */
export function registerErasureRoutes(routes: RouteKit, store: PgEventStore, keyring: Keyring): void {
  routes.route({
    method: 'POST',
    url: '/v1/cases/:caseId/personal-data/erase',
    summary:
      "个人信息删除 — destroy the case's data key: an officer with authority over the case and the grant data-protection, once it is solved or withdrawn (409 CASE_NOT_CLOSED)",
    tags: ['cases'],
    roles: ['officer'],
    params: z.object({ caseId: z.string().min(1).max(200) }),
    body: z.object({}).strict().optional(),
    responses: { 200: z.object({ caseId: z.string(), version: z.number(), appended: z.array(z.string()) }) },
    handler: async ({ params, principal, request }) => {
      const command = {
        kind: 'ErasePersonalData',
        why: 'request',
        caseId: params.caseId,
        actor: actorOf(principal),
        at: new Date().toISOString(),
      } as const;
      const { caseId, version, appended } = await erasePersonalData(store, keyring, command, {
        correlationId: String(request.id),
        causationId: null,
      });
      return { caseId, version, appended };
    },
  });
}
