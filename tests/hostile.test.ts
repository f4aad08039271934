/**
 * The system as an attacker meets it: `npm start` on a database of its own, every hostile case of
 * the threat model sent over HTTP and the console socket, each answered with its 4xx and nothing
 * stored; then every service's log searched for the personal data the cases carried.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { signToken } from '@rapid-search/events';
import { TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import { tokensFor } from '@rapid-search/scripts/client';
import { loadDemoCase } from '@rapid-search/scripts/demo-case';
import t from 'tap';
import { hostileSystem, type Hostile } from './hostile-system.js';

const sys: Hostile = await hostileSystem();
t.teardown(() => sys.stop());
const demo = loadDemoCase();
const tokens = await tokensFor(TEST_SIGNING_KEY, {
  consoleCenter: 'cc-kunming',
  officer: demo.group.chiefOfficerId,
  upstreamSystem: demo.alert.upstreamSystemId,
});
const PHONE = '13987650000';
const CHILD = '王测试儿童';
const REPORTER = '赵测试家长';
const report = (overrides: Record<string, unknown> = {}) => ({
  ...demo.alertBody,
  child: { ...((demo.alertBody as Record<string, unknown>).child as object), name: CHILD },
  reporter: { name: REPORTER, phone: PHONE, relation: 'mother' },
  ...overrides,
});
const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}, service: 'alert' | 'dispatch' | 'ledger' = 'alert') =>
  sys.call('POST', path, token, body, headers, service);

t.test(
  'given a report with U+0000 or a lone surrogate in any string, when it is posted, then 400 names the field and nothing is stored',
  async (t) => {
    const before = await sys.count('alert.events');
    const nul = await post('/v1/alerts', tokens.upstream, report({ reporter: { name: REPORTER, phone: PHONE, relation: 'mo\u0000ther' } }), {
      'idempotency-key': 'hostile-nul',
    });
    t.equal(nul.status, 400);
    t.match(JSON.stringify(nul.body), /body\.reporter\.relation/);
    const lone = await sys.raw('POST', '/v1/alerts', tokens.upstream, JSON.stringify(report()).replace(CHILD, '\\ud800'), {
      'idempotency-key': 'hostile-lone',
    });
    t.equal(lone.status, 400);
    t.equal(await sys.count('alert.events'), before);
  },
);

t.test('given 5,000 nested arrays in a body, when it is posted, then 400 and the service answers the next request', async (t) => {
  const deep = `{"source":"110","nested":${'['.repeat(5000)}${']'.repeat(5000)}}`;
  t.equal((await sys.raw('POST', '/v1/alerts', tokens.upstream, deep, { 'idempotency-key': 'hostile-deep' })).status, 400);
  t.equal(
    (await sys.raw('POST', '/v1/cases/x/solve', tokens.officer, `{"summary":${'['.repeat(5000)}${']'.repeat(5000)}}`, {}, 'ledger')).status,
    400,
  );
  t.equal((await sys.call('GET', '/healthz', tokens.upstream)).status, 200);
});

t.test('given prototype poisoning in a body, when it is posted, then 400', async (t) => {
  const poisoned = JSON.stringify(report()).replace('{', '{"__proto__":{"admin":true},');
  t.equal((await sys.raw('POST', '/v1/alerts', tokens.upstream, poisoned, { 'idempotency-key': 'hostile-proto' })).status, 400);
});

t.test('given a photoUrl that is not https, when a report carries it, then 400 names child.photoUrl', async (t) => {
  for (const photoUrl of ['javascript:alert(1)', 'file:///etc/passwd', 'http://photos.example.cn/a.jpg']) {
    const answer = await post(
      '/v1/alerts',
      tokens.upstream,
      report({ child: { ...((demo.alertBody as Record<string, unknown>).child as object), name: CHILD, photoUrl } }),
      { 'idempotency-key': `hostile-photo-${photoUrl.length}` },
    );
    t.equal(answer.status, 400, photoUrl);
    t.match(JSON.stringify(answer.body), /child\.photoUrl/);
  }
});

t.test('given %00 in a path parameter or a query, or a position past 2^31, when asked, then 400, never 500', async (t) => {
  t.equal((await sys.call('GET', '/v1/alerts/abc%00def', tokens.upstream)).status, 400);
  t.equal((await sys.call('GET', '/v1/tasks?commandCenterId=%00', tokens.officer, undefined, {}, 'dispatch')).status, 400);
  t.equal((await sys.call('GET', '/v1/ledger/streams/s-1?from=9007199254740991', tokens.auditor, undefined, {}, 'ledger')).status, 400);
  t.equal((await sys.call('GET', '/v1/ledger?from=99999999999999999999', tokens.auditor, undefined, {}, 'ledger')).status, 400);
});

t.test('given forged tokens, when they call any service, then 401', async (t) => {
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'auditor', iss: 'rapid-search', exp: 4e9, iat: 1 })).toString('base64url')}.`;
  const hs256 = `${Buffer.from('{"alg":"HS256","kid":"test-key"}').toString('base64url')}.${none.split('.')[1]}.c2lnbmF0dXJl`;
  const routes = [
    ['alert', '/v1/alerts'],
    ['dispatch', '/v1/tasks'],
    ['ledger', '/v1/ledger/verify'],
  ] as const;
  for (const [service, path] of routes) {
    for (const forged of [none, hs256]) t.equal((await sys.call('GET', path, forged, undefined, {}, service)).status, 401, `${service} ${path}`);
  }
});

t.test("given an officer of Xi'an, when they form the Kunming case group, then 403 NO_AUTHORITY_OVER_CASE and nothing is stored", async (t) => {
  const opened = await post('/v1/alerts', tokens.upstream, report(), { 'idempotency-key': 'hostile-case' });
  t.equal(opened.status, 201);
  const caseId = (opened.body as { caseId: string }).caseId;
  await sys.until(async () => (await sys.call('GET', `/v1/cases/${caseId}`, tokens.officer, undefined, {}, 'ledger')).status === 200);
  const xian = await signToken(
    { sub: 'officer-xian', role: 'officer', officerId: 'officer-xian', unit: { id: 'cc-xian', regionCode: '610100' } },
    TEST_SIGNING_KEY,
  );
  const before = await sys.count('ledger.events');
  const refused = await post(`/v1/cases/${caseId}/group`, xian, demo.group.body, {}, 'ledger');
  t.match(refused, { status: 403, body: { error: { code: 'NO_AUTHORITY_OVER_CASE' } } });
  t.equal(await sys.count('ledger.events'), before);
});

t.test(
  'given valid reports sent together with poisoned ones, when they are posted at once, then every valid one is taken and each poisoned one gets 400',
  async (t) => {
    const valid = Array.from({ length: 10 }, (_, i) =>
      post(
        '/v1/alerts',
        tokens.upstream,
        report({ child: { ...((demo.alertBody as Record<string, unknown>).child as object), name: `${CHILD}${i}` } }),
        {
          'idempotency-key': `hostile-mixed-${i}`,
        },
      ),
    );
    const poisoned = [0, 1].map((i) =>
      post('/v1/alerts', tokens.upstream, report({ reporter: { name: REPORTER, phone: PHONE, relation: `x\u0000${i}` } }), {
        'idempotency-key': `hostile-poison-${i}`,
      }),
    );
    const answers = await Promise.all([...valid, ...poisoned]);
    t.ok(
      answers.slice(0, 10).every((a) => a.status === 201 || a.status === 200),
      'every valid report is taken',
    );
    t.same(
      answers.slice(10).map((a) => a.status),
      [400, 400],
      'each poisoned one is refused alone',
    );
  },
);

t.test(
  'given open tasks, when acknowledgements and poisoned completions arrive at once, then each ack commits and each poisoned one gets 400',
  async (t) => {
    let tasks: { taskId: string }[] = [];
    await sys.until(async () => {
      const listed = await sys.call('GET', '/v1/tasks?status=assigned&limit=6', tokens.officer, undefined, {}, 'dispatch');
      tasks = (listed.body as { tasks: { taskId: string }[] }).tasks ?? [];
      return tasks.length >= 6;
    });
    const acks = tasks.slice(0, 4).map((task) => post(`/v1/tasks/${task.taskId}/ack`, tokens.officer, undefined, {}, 'dispatch'));
    const poisoned = tasks
      .slice(4, 6)
      .map((task) => post(`/v1/tasks/${task.taskId}/complete`, tokens.officer, { outcome: 'done', notes: `no\u0000tes ${PHONE}` }, {}, 'dispatch'));
    const answers = await Promise.all([...acks, ...poisoned]);
    t.same(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 400, 400],
    );
  },
);

t.test('given every case above, when the logs are read, then no phone, name or DNA reference is in any of them', async (t) => {
  await new Promise((r) => setTimeout(r, 1000));
  const logs = readdirSync(sys.logDir)
    .map((f) => readFileSync(join(sys.logDir, f), 'utf8'))
    .join('\n');
  t.ok(logs.length > 0, 'the services logged');
  for (const secret of [PHONE, CHILD, REPORTER]) t.notOk(logs.includes(secret), `no ${secret} in the logs`);
});
