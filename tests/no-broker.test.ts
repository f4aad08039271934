/**
 * The outbox is there so that intake runs on Postgres alone: the alert service, started while no
 * broker answers, takes reports, and they reach alert.events.v1 once a broker is there.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger, createKafka, signToken } from '@rapid-search/events';
import { createTestDatabase, TEST_JWKS, TEST_PERSONAL_DATA_KEK, TEST_SIGNING_KEY, testTopicPrefix } from '@rapid-search/events/testing';
import { loadDemoCase } from '@rapid-search/scripts/demo-case';
import { startDedicatedBroker } from '@rapid-search/scripts/faults/broker';
import { freePort } from '@rapid-search/scripts/faults/ports';
import { waitUntilReady } from '@rapid-search/scripts/services';
import t from 'tap';

const ALERT_MAIN = fileURLToPath(new URL('../../services/alert/dist/main.js', import.meta.url));
const broker = await startDedicatedBroker();
await broker.stop();
const db = await createTestDatabase('no_broker');
const prefix = testTopicPrefix();
const port = await freePort();
const alert = spawn(process.execPath, [ALERT_MAIN], {
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: broker.brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    RS_TOKEN_JWKS: TEST_JWKS,
    RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
    ALERT_PORT: String(port),
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
t.teardown(async () => {
  alert.kill('SIGKILL');
  broker.destroy();
  await db.drop();
});
const base = `http://127.0.0.1:${port}`;
const demo = loadDemoCase();
const upstream = await signToken(
  { sub: demo.alert.upstreamSystemId, role: 'upstream', upstreamSystemId: demo.alert.upstreamSystemId },
  TEST_SIGNING_KEY,
);

t.test(
  'given no broker answering, when the alert service starts and reports arrive, then it takes them and they are published once a broker is up',
  async (t) => {
    // Ready while the broker is still down: intake waited for nothing but Postgres.
    await waitUntilReady(base, 60_000);
    const readiness = (await (await fetch(`${base}/readyz`)).json()) as { ready: boolean; checks: Record<string, string> };
    t.equal(readiness.ready, true, 'ready: intake needs Postgres alone');
    t.equal(readiness.checks.kafka, 'down', '/readyz names the broker as down');
    const answer = await fetch(`${base}/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${upstream}`, 'content-type': 'application/json', 'idempotency-key': 'no-broker-1' },
      body: JSON.stringify(demo.alertBody),
    });
    t.equal(answer.status, 201, 'the report is taken');
    const { alertId } = (await answer.json()) as { alertId: string };

    await broker.start();
    const kafka = createKafka({ brokers: [broker.brokers], clientId: 'no-broker-test', logger: createLogger('test', 'silent') });
    const consumer = kafka.consumer({ groupId: `${prefix}no-broker-reader`, maxWaitTimeInMs: 100 });
    t.teardown(() => consumer.disconnect());
    const types: string[] = [];
    await consumer.connect();
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        await consumer.subscribe({ topic: `${prefix}alert.events.v1`, fromBeginning: true });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value!.toString()) as { type: string; data: { alertId?: string } };
        if (event.data.alertId === alertId) types.push(event.type);
      },
    });
    while (types.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    t.same(types, ['MissingChildReported', 'CaseOpened', 'QuickSearchActivated'], 'its events reach alert.events.v1, once');
  },
);
