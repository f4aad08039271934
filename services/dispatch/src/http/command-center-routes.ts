import type { RouteKit } from '@rapid-search/events';
import type { Directory } from '../domain/directory.js';

const ANY_ROLE = ['upstream', 'console', 'officer', 'civil-affairs', 'lab', 'auditor'] as const;

export function registerCommandCenterRoutes(routes: RouteKit, directory: Directory): void {
  routes.route({
    method: 'GET',
    url: '/v1/command-centers',
    summary: 'The seeded command centers with their jurisdiction (GB/T 2260 region codes)',
    tags: ['command centers'],
    roles: ANY_ROLE,
    handler: async () => ({
      commandCenters: directory.centers().map((c) => ({
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
    }),
  });
}
