import type { FastifyInstance } from 'fastify';
import type { Roles } from './authenticate.js';

/** A route as the role check sees it: what the role × route matrix test walks. */
export interface RouteEntry {
  method: string;
  url: string;
  roles: Roles | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the service with its declared roles, filled as routes are added. */
    routeTable: RouteEntry[];
  }
}

/** Keeps the table of routes and their roles, so no route can exist without its row in the matrix. */
export function keepRouteTable(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.push({ method, url: route.url, roles: route.config?.roles });
  });
}
