import { decodeCursor, NotFound, PageQuery, pageOf, RuleViolation, ValidationError, type RouteKit } from '@rapid-search/events';
import { z } from 'zod';
import type { Directory } from '../domain/directory.js';

const ANY_ROLE = ['upstream', 'console', 'officer', 'civil-affairs', 'lab', 'auditor'] as const;

const CommandCenter = z.object({
  id: z.string(),
  name: z.string(),
  nameZh: z.string().optional(),
  regionCode: z.string(),
  level: z.enum(['national', 'province', 'city', 'county']),
  parentId: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  jurisdiction: z.array(z.string()).describe('GB/T 2260 region codes'),
});

const Hub = z.object({
  id: z.string(),
  name: z.string(),
  nameZh: z.string().optional(),
  kind: z.string().describe('railway, bus, airport, toll-gate or port'),
  lat: z.number(),
  lon: z.number(),
  commandCenterId: z.string(),
});

export function registerCommandCenterRoutes(routes: RouteKit, directory: Directory): void {
  routes.route({
    method: 'GET',
    url: '/v1/command-centers',
    summary: 'The seeded command centers with their jurisdiction (GB/T 2260 region codes)',
    tags: ['command centers'],
    roles: ANY_ROLE,
    query: PageQuery,
    responses: { 200: z.object({ commandCenters: z.array(CommandCenter), next: z.string().nullable() }) },
    handler: ({ query }) => {
      // The directory's own order (the chain from the Ministry down), from the id after the cursor's.
      const after = decodeCursor(query.cursor, z.string().min(1));
      const centers = directory.centers();
      const at = after === undefined ? -1 : centers.findIndex((c) => c.id === after);
      if (after !== undefined && at < 0) throw new ValidationError([{ path: 'query.cursor', message: 'not a cursor this list handed out' }]);
      const from = at + 1;
      const { items, next } = pageOf(centers.slice(from, from + query.limit + 1), query.limit, (c) => c.id);
      return {
        commandCenters: items.map((c) => ({
          id: c.id,
          name: c.name,
          ...(c.nameZh === undefined ? {} : { nameZh: c.nameZh }),
          regionCode: c.regionCode,
          level: c.level,
          parentId: c.parentId,
          lat: c.lat,
          lon: c.lon,
          jurisdiction: c.jurisdiction,
        })),
        next,
      };
    },
  });
  routes.route({
    method: 'GET',
    url: '/v1/command-centers/:commandCenterId/hubs',
    summary: 'The transport hubs a command center answers for: its own and those of the centers below it',
    tags: ['command centers'],
    roles: ['console', 'officer', 'auditor'],
    params: z.object({ commandCenterId: z.string().min(1).max(200) }),
    responses: { 200: z.object({ hubs: z.array(Hub) }) },
    handler: ({ params, principal }) => {
      if (principal.role === 'console' && principal.commandCenterId !== params.commandCenterId) {
        throw new RuleViolation('CENTER_NOT_YOURS', 'a console sees only the hubs of its own command center', { status: 403 });
      }
      if (!directory.center(params.commandCenterId)) throw new NotFound('command center', params.commandCenterId);
      return {
        hubs: directory.hubsOf(params.commandCenterId).map((h) => ({
          id: h.id,
          name: h.name,
          ...(h.nameZh === undefined ? {} : { nameZh: h.nameZh }),
          kind: h.kind,
          lat: h.lat,
          lon: h.lon,
          commandCenterId: h.commandCenterId,
        })),
      };
    },
  });
}
