import { createTestDatabase, eventually, requireKafka, testTopicPrefix } from '@rapid-search/events/testing';
import t from 'tap';
import { call, capturingLogger, collectTopic, freshReport, KEYS, postReport, startService } from './harness.js';

const SENDER_LIMIT = 12;
const ALERT_LIMIT = 15;

await requireKafka();
const db = await createTestDatabase('alert_tips');
const prefix = testTopicPrefix();
const logs = capturingLogger();
const running = await startService({
  databaseUrl: db.url,
  topicPrefix: prefix,
  logger: logs.logger,
  env: { ALERT_TIPS_PER_SENDER_PER_MINUTE: String(SENDER_LIMIT), ALERT_TIPS_PER_ALERT_PER_MINUTE: String(ALERT_LIMIT) },
});
const alertTopic = await collectTopic(`${prefix}alert.events.v1`);
t.teardown(async () => {
  await alertTopic.stop();
  await running.service.close();
  await db.drop();
});

const TIPSTER_PHONE = '13987654321';
const opened = await postReport(running.base, freshReport(), 'tips-1');
const { alertId, caseId } = opened.body as { alertId: string; caseId: string };
const tip = (description: string) => ({
  seenAt: new Date(Date.now() - 10 * 60_000).toISOString(),
  lat: 24.98,
  lon: 102.71,
  address: '昆明南站 east entrance',
  description,
  contact: { phone: TIPSTER_PHONE, mayCall: true },
});
const postTip = (body: unknown, options: { idempotencyKey?: string; bearer?: string; alert?: string } = {}) =>
  call(running.base, 'POST', `/v1/public/alerts/${options.alert ?? alertId}/tips`, { body, ...options });

t.test('given an open alert, when the public posts a tip without a token, then the answer is its reference alone', async (t) => {
  const answer = await postTip(tip('a girl in a red coat crying near the ticket hall'));
  t.equal(answer.status, 201);
  t.same(Object.keys(answer.body), ['tipId'], 'nothing about the case, the child or the reporter');

  await eventually(async () => {
    const found = alertTopic.messages().find((m) => m.value.type === 'TipReceived' && m.value.data.tipId === answer.body.tipId);
    if (!found) throw new Error('TipReceived not yet on alert.events.v1');
    t.equal(found.value.caseId, caseId);
    t.equal(found.value.streamId, `tip-${answer.body.tipId}`, 'its own stream');
    t.match(found.value.data, { alertId, caseId, place: { lat: 24.98, lon: 102.71 }, via: { channel: 'public' } });
  }, 10_000);
  t.notOk(logs.text().includes(TIPSTER_PHONE), "the tipster's phone is in no log line");
});

t.test('given a tip, when the same words come again from the same address, then they collapse into the first tip', async (t) => {
  const first = await postTip(tip('a man carrying a sleeping girl onto bus 154'));
  const again = await postTip(tip('A man carrying a sleeping girl onto  bus 154'));
  t.equal(first.status, 201);
  t.equal(again.status, 200);
  t.equal(again.body.tipId, first.body.tipId);
  const keyed = await postTip(tip('seen again at the market'), { idempotencyKey: 'app-retry-1' });
  const retried = await postTip(tip('seen again at the market'), { idempotencyKey: 'app-retry-1' });
  const rekeyed = await postTip(tip('seen again at the market'), { idempotencyKey: 'app-retry-2' });
  t.same([keyed.status, retried.status, rekeyed.status], [201, 200, 200], 'a retry, and the same words under a fresh key');
  t.same([retried.body.tipId, rekeyed.body.tipId], [keyed.body.tipId, keyed.body.tipId]);
});

t.test('given an unknown alert or a bad body, when a tip is posted, then 404 or a 400 naming the field', async (t) => {
  t.equal((await postTip(tip('x'), { alert: 'no-such-alert' })).status, 404);
  const long = await postTip(tip('x'.repeat(2001)));
  t.equal(long.status, 400);
  t.match(JSON.stringify(long.body), /description/);
  const photo = await postTip({ ...tip('y'), photoUrl: 'javascript:alert(1)' });
  t.equal(photo.status, 400);
  t.match(JSON.stringify(photo.body), /photoUrl/);
});

t.test('given an upstream system, when it relays a tip with its key, then the tip says who carried it', async (t) => {
  const answer = await postTip(tip('the 110 caller saw her at the river'), { bearer: KEYS.hospital });
  t.equal(answer.status, 201);
  await eventually(async () => {
    const found = alertTopic.messages().find((m) => m.value.type === 'TipReceived' && m.value.data.tipId === answer.body.tipId);
    if (!found) throw new Error('relayed tip not yet published');
    t.match(found.value.data.via, { channel: 'upstream' });
  }, 10_000);
  t.equal((await postTip(tip('bad key'), { bearer: 'not-a-key' })).status, 401);
});

t.test('given one address, when it sends more tips a minute than allowed, then it gets 429 with Retry-After', async (t) => {
  const statuses: number[] = [];
  for (let i = 0; i < SENDER_LIMIT + 2; i++) statuses.push((await postTip(tip(`flood ${i}`))).status);
  t.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
});

t.test('given one alert, when many senders each within their own limit tip it, then the alert’s limit answers 429', async (t) => {
  const other = await postReport(running.base, freshReport(), 'tips-per-alert');
  const alert = (other.body as { alertId: string }).alertId;
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    for (const bearer of [KEYS.kunming110, KEYS.hospital])
      statuses.push((await postTip(tip(`crowd ${i} ${bearer.slice(-4)}`), { bearer, alert })).status);
  }
  t.equal(statuses.filter((s) => s === 201).length, ALERT_LIMIT, `the alert takes its limit a minute: ${statuses.join(',')}`);
  t.equal(statuses.filter((s) => s === 429).length, 20 - ALERT_LIMIT, 'and refuses the rest');
});
