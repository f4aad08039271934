import websocket from '@fastify/websocket';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { pino } from 'pino';
import type { Principal } from '../auth.js';
import { Unauthenticated } from '../errors.js';
import { createServiceApp } from './app.js';
import { HttpLimitsConfig } from './limits.js';
import { chooseProtocol, SOCKET_PROTOCOL } from './socket-protocol.js';
import { createMetrics } from './metrics.js';

const officer: Principal = { sub: 'officer-1', role: 'officer', grants: [] };
const lab: Principal = { sub: 'lab-1', role: 'lab', grants: [] };
const TOKENS: Record<string, Principal> = { 'Bearer officer': officer, 'Bearer lab': lab };

const { app, routes } = await createServiceApp({
  service: 'test',
  logger: pino({ level: 'silent' }),
  verify: async (authorization) => {
    const principal = TOKENS[authorization ?? ''];
    if (!principal) throw new Unauthenticated();
    return principal;
  },
  metrics: createMetrics('test'),
  readiness: async () => ({ ready: true, checks: {} }),
  limits: HttpLimitsConfig.parse({}),
});
const Note = z.object({ noteId: z.string(), text: z.string() });
routes.route({
  method: 'POST',
  url: '/v1/cases/:caseId/notes',
  summary: 'Add a note',
  tags: ['notes'],
  roles: ['officer'],
  params: z.object({ caseId: z.string().regex(/^c-\d+$/) }),
  query: z.object({ draft: z.enum(['yes', 'no']).optional() }),
  headers: z.looseObject({ 'idempotency-key': z.string().min(1) }),
  body: z.object({ text: z.string().min(1), about: z.object({ lat: z.number().max(90) }).optional() }),
  responses: { 201: Note },
  handler: async ({ params, body, reply }) => reply.status(201).send({ noteId: `${params.caseId}-1`, text: body.text }),
});
routes.route({
  method: 'GET',
  url: '/v1/broken',
  summary: 'Answers what its schema does not allow',
  tags: ['notes'],
  roles: ['officer'],
  responses: { 200: Note },
  handler: () => ({ noteId: 7 }) as never,
});
app.get('/v1/undeclared', async () => ({ leaked: true }));
await app.register(websocket, { options: { handleProtocols: chooseProtocol } });
routes.socket({
  url: '/v1/live',
  summary: 'A live feed',
  tags: ['notes'],
  roles: ['officer'],
  tokenInProtocol: true,
  admit: (principal) => {
    if (principal.grants.includes('banned')) throw new Unauthenticated();
  },
  handler: (socket, { principal }) => socket.send(`hello ${principal.sub}`),
});
await app.listen({ port: 0, host: '127.0.0.1' });
const wsUrl = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/live`;
t.teardown(() => app.close());

/** The first message, or the status the upgrade was refused with. */
const open = (url: string, headers: Record<string, string> = {}, protocols: string[] = []) =>
  new Promise<string | number>((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.once('message', (data) => {
      resolve(`${String(data)}${ws.protocol ? ` over ${ws.protocol}` : ''}`);
      ws.close();
    });
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.once('error', reject);
  });
const serverSockets = () => new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n)));

const post = (payload: string, headers: Record<string, string> = {}, url = '/v1/cases/c-1/notes') =>
  app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', authorization: 'Bearer officer', 'idempotency-key': 'k-1', ...headers },
  });
const paths = (res: { json: () => { error: { details: { issues: { path: string }[] } } } }) => res.json().error.details.issues.map((i) => i.path);

t.test('given a valid request, when it is posted, then the handler answers through its response schema', async (t) => {
  const res = await post(JSON.stringify({ text: 'seen at the station' }));
  t.equal(res.statusCode, 201);
  t.same(res.json(), { noteId: 'c-1-1', text: 'seen at the station' });
});

t.test('given no token and a bad body, when it is posted, then 401 comes before 400', async (t) => {
  const res = await post('{"text": ""}', { authorization: '' });
  t.equal(res.statusCode, 401);
  t.equal(res.json().error.code, 'UNAUTHENTICATED');
});

t.test('given a token of another role, when it is posted, then 403', async (t) => {
  t.equal((await post('{"text": "x"}', { authorization: 'Bearer lab' })).statusCode, 403);
});

t.test('given bad fields in each part, when posted, then 400 names body, query, params and headers paths', async (t) => {
  const body = await post(JSON.stringify({ text: '', about: { lat: 91 } }));
  t.equal(body.statusCode, 400);
  t.equal(body.json().error.code, 'VALIDATION_FAILED');
  t.same(paths(body).sort(), ['body.about.lat', 'body.text']);
  t.same(paths(await post('{"text": "x"}', {}, '/v1/cases/c-1/notes?draft=maybe')), ['query.draft']);
  t.same(paths(await post('{"text": "x"}', {}, '/v1/cases/case-one/notes')), ['params.caseId']);
  t.same(paths(await post('{"text": "x"}', { 'idempotency-key': '' })), ['headers.idempotency-key']);
});

t.test('given U+0000 in the query, when posted, then the unsafe-input check names it before zod', async (t) => {
  const res = await post('{"text": "x"}', {}, '/v1/cases/c-1/notes?draft=%00');
  t.equal(res.statusCode, 400);
  t.same(res.json().error.details.issues, [{ path: 'query.draft', message: 'contains U+0000, which is not text' }]);
});

t.test('given a body nested 5,000 deep, when posted, then the depth is refused naming the field', async (t) => {
  const res = await post(`{"text": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
  t.equal(res.statusCode, 400);
  t.match(res.json().error.details.issues[0], { path: /^body\.text/, message: /nested deeper/ });
});

t.test('given prototype poisoning, when posted, then the secure parser refuses it', async (t) => {
  for (const payload of ['{"text": "x", "__proto__": {"admin": true}}', '{"text": "x", "constructor": {"prototype": {"admin": true}}}']) {
    const res = await post(payload);
    t.equal(res.statusCode, 400, payload);
    t.equal(res.json().error.code, 'MALFORMED_JSON');
  }
});

t.test('given another content type or too large a body, when posted, then 415 and 413', async (t) => {
  t.equal((await post('text', { 'content-type': 'text/plain' })).statusCode, 415);
  t.equal((await post(JSON.stringify({ text: 'x'.repeat(70 * 1024) }))).statusCode, 413);
});

t.test('given a handler answering outside its schema, when called, then 500 and nothing of the answer leaks', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/broken', headers: { authorization: 'Bearer officer' } });
  t.equal(res.statusCode, 500);
  t.same(res.json(), { error: { code: 'INTERNAL', message: 'internal error' } });
});

t.test('given a route declared around the kit with no roles, when called, then it is refused', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/v1/undeclared' })).statusCode, 403);
});

t.test('given the docs, when fetched, then the page, its script and the document are served here and public', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.notMatch(page.body, /https?:\/\//, 'the page loads nothing from elsewhere');
  t.equal((await app.inject({ method: 'GET', url: '/docs' })).headers.location, '/docs/');
  const script = await app.inject({ method: 'GET', url: '/docs/js/scalar.js' });
  t.equal(script.statusCode, 200);
  t.match(script.headers['content-type'], /javascript/);
  t.match(script.body, /createApiReference/, "the reference's own script, from the build");
  t.match((await app.inject({ method: 'GET', url: '/docs/openapi.yaml' })).body, /^openapi: 3\.1\.0/m);
  const served = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
  t.equal(served.headers['access-control-allow-origin'], '*', 'readable by a tool on another origin');
  const doc = served.json();
  const op = doc.paths['/v1/cases/{caseId}/notes'].post;
  t.ok(op.requestBody.content['application/json'].schema.properties.text, 'the request body');
  t.same(op.parameters.map((p: { in: string; name: string }) => `${p.in}.${p.name}`).sort(), [
    'header.idempotency-key',
    'path.caseId',
    'query.draft',
  ]);
  t.same(Object.keys(op.responses).sort(), ['201', '4XX', '5XX']);
  t.same(op.responses['4XX'].content['application/json'].schema, { $ref: '#/components/schemas/Error' });
  t.same(op.security, [{ bearer: [] }]);
  t.ok(doc.components.schemas.Error, 'the error shape');
  t.notOk(doc.components.schemas.ErrorInput, 'and no request-side twin of it');
  t.ok(doc.paths['/healthz'].get.responses['200'], 'the service routes too');
  t.notOk(doc.paths['/docs/openapi.json'], 'not the docs themselves');
});

t.test('given a socket route, when opened with a token in the header or as a subprotocol, then the same hook lets it in', async (t) => {
  t.equal(await open(wsUrl, { authorization: 'Bearer officer' }), 'hello officer-1');
  t.equal(
    await open(wsUrl, {}, [SOCKET_PROTOCOL, 'bearer.officer']),
    `hello officer-1 over ${SOCKET_PROTOCOL}`,
    'answered with the protocol, not the token',
  );
  t.equal(await open(`${wsUrl}?token=officer`), 401, 'never from the query string');
});

t.test('given a socket route, when refused by the hook, then the upgrade answers 401 or 403 and the socket is closed', async (t) => {
  t.equal(await open(wsUrl, {}, [SOCKET_PROTOCOL, 'bearer.nobody']), 401);
  t.equal(await open(wsUrl, { authorization: 'Bearer lab' }), 403);
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(await serverSockets(), 0, 'no refused socket is left open');
});

t.test('given a socket route, when fetched without an upgrade, then 426', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/live', headers: { authorization: 'Bearer officer' } });
  t.equal(res.statusCode, 426);
  t.equal(res.json().error.code, 'UPGRADE_REQUIRED');
  const doc = (await app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
  t.ok(doc.paths['/v1/live'].get.responses['101'], 'the socket route is in the document');
});

t.test('given no route, when called without a token, then 404', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/v1/nowhere' })).statusCode, 404);
});
