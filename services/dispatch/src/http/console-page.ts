import fastifyStatic from '@fastify/static';
import { type RouteKit } from '@rapid-search/events';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ROOT = fileURLToPath(new URL('../../console/', import.meta.url));

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: https:; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

const page = (contentType: string) => ({ description: 'a file of the console page', content: { [contentType]: { schema: z.string() } } });

/**
 * `GET /console/`: the command-centre console page, public static files. The page holds no data
 * of its own: it signs in with the token from its URL fragment, which a browser never sends.
 * The files are named one by one (a flat folder, no subpaths), so nothing else can be asked for.
 */
export async function registerConsolePage(app: FastifyInstance, routes: RouteKit): Promise<void> {
  await app.register(fastifyStatic, { root: ROOT, serve: false });
  const send = (reply: FastifyReply, file: string): FastifyReply => reply.headers(PAGE_HEADERS).sendFile(file);
  routes.route({
    method: 'GET',
    url: '/console/',
    summary: 'The command-centre console page (open it with the URL `npm run token -- console` prints)',
    tags: ['consoles'],
    roles: 'public',
    responses: { 200: page('text/html') },
    handler: ({ reply }) => send(reply, 'index.html'),
  });
  routes.route({
    method: 'GET',
    url: '/console/:file',
    summary: "One of the console page's scripts or its style sheet",
    tags: ['consoles'],
    roles: 'public',
    params: z.object({ file: z.string().regex(/^[a-z0-9-]+\.(js|css|html)$/, 'a file of the console page, e.g. app.js') }),
    responses: { 200: page('text/javascript') },
    handler: ({ params, reply }) => send(reply, params.file),
  });
}
