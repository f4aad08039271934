import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole, type Principal, type TokenVerifier } from '../auth.js';
import type { Role } from '../envelope.js';
import { Forbidden } from '../errors.js';
import { tokenInProtocols } from './socket-protocol.js';

/** Who may call a route: the roles, or `public` (health, metrics, docs) for no token at all. */
export type Roles = readonly Role[] | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Read by `authenticate`; a route that declares none is refused to everyone. */
    roles?: Roles;
    /** The token may come as a WebSocket subprotocol (socket-protocol.ts): a browser cannot set headers on one. */
    tokenInProtocol?: boolean;
  }
  interface FastifyRequest {
    /** The verified caller, from `authenticate`; anonymous on public routes. */
    principal: Principal;
  }
}

const ANONYMOUS: Principal = Object.freeze({ sub: 'anonymous', role: 'system', grants: [] });

/**
 * Every route's onRequest hook: the caller is verified and their role checked against the route's
 * declared roles before the body is even read, so a stranger learns nothing from a 400. It is
 * each route's own hook rather than the app's so that it runs after the app-wide ones: there
 * @fastify/websocket marks an upgrade, which a refusal must find to close the socket.
 */
export function authenticateEveryRoute(app: FastifyInstance, verify: TokenVerifier): void {
  const hook = authenticate(verify);
  app.addHook('onRoute', (route) => {
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    // The HEAD twin of a GET route arrives with the GET's hooks.
    if (!own.includes(hook)) route.onRequest = [...own, hook];
  });
}

function authenticate(verify: TokenVerifier): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const { roles, tokenInProtocol } = request.routeOptions.config;
    if (roles === 'public') {
      request.principal = ANONYMOUS;
      return;
    }
    if (roles === undefined) throw new Forbidden(`${request.method} ${request.routeOptions.url ?? request.url} declares no roles`);
    const token = tokenInProtocol ? tokenInProtocols(request.headers['sec-websocket-protocol']) : undefined;
    const principal = await verify(token === undefined ? request.headers.authorization : `Bearer ${token}`);
    requireRole(principal, roles);
    request.principal = principal;
  };
}
