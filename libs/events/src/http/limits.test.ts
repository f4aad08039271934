import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import t from 'tap';
import { z } from 'zod';
import type { Principal } from '../auth.js';
import { Unauthenticated } from '../errors.js';
import { createServiceApp } from './app.js';
import { HttpLimitsConfig, keyedRateLimit } from './limits.js';
import { createMetrics } from './metrics.js';

const CALLERS: Record<string, Principal> = {
  'Bearer up-a': { sub: 'up-a', role: 'upstream', grants: [] },
  'Bearer up-b': { sub: 'up-b', role: 'upstream', grants: [] },
};
const { app, routes } = await createServiceApp({
  service: 'limits-test',
  logger: pino({ level: 'silent' }),
  verify: async (authorization) => CALLERS[authorization ?? ''] ?? Promise.reject(new Unauthenticated()),
  metrics: createMetrics('limits-test'),
  readiness: async () => ({ ready: true, checks: {} }),
  limits: HttpLimitsConfig.parse({
    RS_RATE_LIMIT_PER_CALLER_PER_MINUTE: '3',
    RS_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '4',
    RS_HTTP_REQUEST_TIMEOUT_MS: '800',
    RS_HTTP_CONNECTIONS_PER_ADDRESS: '3',
  }),
});
routes.route({
  method: 'POST',
  url: '/v1/reports',
  summary: 'Take a report',
  tags: ['test'],
  roles: ['upstream'],
  body: z.object({ text: z.string() }),
  responses: { 201: z.object({ ok: z.literal(true) }) },
  handler: async ({ reply }) => reply.status(201).send({ ok: true as const }),
});
routes.route({
  method: 'POST',
  url: '/v1/topics/:topic/notes',
  summary: 'Take a note on a topic, counted per caller and per topic besides every route’s limit',
  tags: ['test'],
  roles: 'public',
  limits: [
    keyedRateLimit(app, { name: 'notes-per-caller', perMinute: 2, key: (r) => String(r.headers['x-caller']) }),
    keyedRateLimit(app, { name: 'notes-per-topic', perMinute: 3, key: (r) => (r.params as { topic: string }).topic }),
  ],
  params: z.object({ topic: z.string() }),
  responses: { 201: z.object({ ok: z.literal(true) }) },
  handler: async ({ reply }) => reply.status(201).send({ ok: true as const }),
});
await app.listen({ port: 0, host: '127.0.0.1' });
t.teardown(() => app.close());
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const report = (caller: string) =>
  fetch(`${base}/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${caller}`, 'content-type': 'application/json' },
    body: '{"text":"x"}',
  });

t.test(
  'given a caller at its limit, when it reports again, then 429 RATE_LIMITED with Retry-After, and another caller is still served',
  async (t) => {
    for (let i = 0; i < 3; i++) t.equal((await report('up-a')).status, 201);
    const refused = await report('up-a');
    t.equal(refused.status, 429);
    t.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After says when');
    t.match(await refused.json(), { error: { code: 'RATE_LIMITED' } });
    t.equal((await report('up-b')).status, 201);
  },
);

t.test('given an address at its limit on a public route, when it asks again, then 429', async (t) => {
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await fetch(`${base}/healthz`)).status);
  t.same(statuses, [200, 200, 200, 200, 429]);
});

t.test('given a body trickled byte by byte, when the request timeout passes, then the server ends the request', async (t) => {
  const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1');
  socket.write(
    'POST /v1/reports HTTP/1.1\r\nhost: x\r\nauthorization: Bearer up-b\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
  );
  const timer = setInterval(() => socket.write(' '), 200);
  const started = Date.now();
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
  });
  clearInterval(timer);
  t.match(answer, /^HTTP\/1\.1 408/, 'answered 408');
  t.ok(Date.now() - started < 5000, 'within seconds, not minutes');
});

t.test('given an address holding its connections, when it opens one more, then that one is closed at once', async (t) => {
  const port = (app.server.address() as AddressInfo).port;
  const held = await Promise.all(
    Array.from(
      { length: 3 },
      () =>
        new Promise<ReturnType<typeof connect>>((resolve) => {
          const s = connect(port, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  t.teardown(() => held.forEach((s) => s.destroy()));
  const extra = connect(port, '127.0.0.1');
  const closed = await new Promise<boolean>((resolve) => {
    extra.on('close', () => resolve(true));
    setTimeout(() => resolve(false), 2000).unref();
  });
  t.ok(closed, 'the fourth connection was closed');
});

t.test('given a route with two limits of its own, when each is reached, then each answers 429 and neither hides the other', async (t) => {
  const ADDRESSES = { one: '10.9.0.1', two: '10.9.0.2', three: '10.9.0.3' } as const;
  const note = async (topic: string, caller: keyof typeof ADDRESSES) =>
    (
      await app.inject({
        method: 'POST',
        url: `/v1/topics/${topic}/notes`,
        headers: { 'x-caller': caller },
        remoteAddress: ADDRESSES[caller],
        payload: {},
      })
    ).statusCode;
  t.same([await note('a', 'one'), await note('a', 'one'), await note('a', 'one')], [201, 201, 429], 'the caller’s limit');
  t.same([await note('a', 'two'), await note('a', 'three')], [201, 429], 'the topic’s limit, for callers within theirs');
  t.equal(await note('b', 'two'), 201, 'another topic is counted apart');
});
