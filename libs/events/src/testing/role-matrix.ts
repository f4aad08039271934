import type { FastifyInstance } from 'fastify';
import { Role } from '../envelope.js';

interface Tap {
  test(name: string, fn: (t: Tap) => Promise<void>): Promise<unknown>;
  equal(found: unknown, wanted: unknown, message: string): unknown;
  ok(value: unknown, message: string): unknown;
}

/**
 * The role × route matrix of a service, generated from its route table: for every route, no
 * token is a 401, every role it does not name is a 403 FORBIDDEN, every role it names gets past
 * the role check; refused calls store nothing. A route added tomorrow is in the matrix tomorrow.
 */
export async function checkRoleMatrix(
  t: Tap,
  app: FastifyInstance,
  options: { tokenFor: (role: Role) => Promise<string>; stored: () => Promise<number> },
): Promise<void> {
  await t.test('the role × route matrix', (t) => matrix(t, app, options));
}

async function matrix(
  t: Tap,
  app: FastifyInstance,
  options: { tokenFor: (role: Role) => Promise<string>; stored: () => Promise<number> },
): Promise<void> {
  await app.ready();
  const routes = app.routeTable.filter((r) => r.method !== 'HEAD' && r.roles !== 'public' && !r.url.startsWith('/docs'));
  t.ok(routes.length > 0, 'the service has routes to check');
  t.equal(routes.filter((r) => r.roles === undefined).length, 0, 'every route declares its roles');
  const call = (method: string, url: string, token?: string) =>
    app.inject({
      method: method as 'GET',
      url: url.replace(/:(\w+)/g, 'matrix-$1'),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      ...(method === 'POST' ? { payload: '{}' } : {}),
    });
  const forbidden = (answer: { statusCode: number; json<T>(): T }) =>
    answer.statusCode === 403 && answer.json<{ error: { code: string } }>().error.code === 'FORBIDDEN';
  const named = (route: (typeof routes)[number], role: Role) => (route.roles as readonly Role[]).includes(role);

  const before = await options.stored();
  await t.test('refused: no token is 401, a role the route does not name is 403 FORBIDDEN', async (t) => {
    for (const route of routes) {
      t.equal((await call(route.method, route.url)).statusCode, 401, `${route.method} ${route.url}: no token`);
      for (const role of Role.options.filter((r) => !named(route, r))) {
        const answer = await call(route.method, route.url, await options.tokenFor(role));
        t.ok(forbidden(answer), `${route.method} ${route.url}: ${role} refused (${answer.statusCode})`);
      }
    }
  });
  t.equal(await options.stored(), before, 'nothing refused was stored');
  await t.test('admitted: every role a route names gets past the role check', async (t) => {
    for (const route of routes) {
      for (const role of Role.options.filter((r) => named(route, r))) {
        const answer = await call(route.method, route.url, await options.tokenFor(role));
        t.ok(answer.statusCode !== 401 && !forbidden(answer), `${route.method} ${route.url}: ${role} admitted (${answer.statusCode})`);
      }
    }
  });
}
