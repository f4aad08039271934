import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../console/', import.meta.url));

/**
 * `GET /console/`: the command-centre console page, public static files. The page holds no data
 * of its own: it signs in with the token from its URL fragment, which a browser never sends.
 */
export async function registerConsolePage(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, roles: 'public' } as NonNullable<typeof route.config>;
      route.schema = { ...route.schema, hide: true } as NonNullable<typeof route.schema>;
    });
    await scope.register(fastifyStatic, { root: ROOT, prefix: '/console/', redirect: true });
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'");
      reply.header('referrer-policy', 'no-referrer');
    });
  });
}
