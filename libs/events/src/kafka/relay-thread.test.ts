import type { Worker } from 'node:worker_threads';
import t from 'tap';
import { createKafka, ensureTopics } from './client.js';
import { spawnRelayWorker, startRelayThread } from './relay-thread.js';
import { newId } from '../ids.js';
import { newEvent, quiet, storeFixture } from '../store/test-fixtures.js';
import { eventually, requireKafka, TEST_KAFKA_BROKERS, testTopicPrefix } from '../testing/index.js';

await requireKafka();
const fx = await storeFixture('relay_thread');
t.teardown(fx.close);
const topic = `${testTopicPrefix()}alert.events.v1`;
const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'relay-thread-test', logger: quiet });
await ensureTopics(kafka, [topic]);
const settings = { service: 'alert', schema: 'alert', topic, databaseUrl: fx.db.url, brokers: TEST_KAFKA_BROKERS, logLevel: 'silent', nice: 10 };

/** Every event id on the topic so far, read by a fresh consumer group. */
async function onTopic(expected: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const consumer = kafka.consumer({ groupId: `relay-thread-check-${newId()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.headers!['event-id']!.toString()) });
  try {
    await eventually(async () => {
      if (seen.size < expected) throw new Error(`${seen.size} of ${expected} on the topic`);
    }, 30000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

const append = async (n: number) => {
  const caseId = newId();
  const events = Array.from({ length: n }, (_, i) => newEvent(caseId, i, newId()));
  await fx.store.append(`alert-${caseId}`, events, { expectedVersion: 'no-stream' });
  return events.map((e) => e.eventId!);
};

t.test('given a relay thread whose worker dies, when events are appended after, then a new worker publishes them and the service reports each type', async (t) => {
  const workers: Worker[] = [];
  const published: string[] = [];
  const relay = await startRelayThread({
    settings,
    logger: quiet,
    onPublished: (types) => published.push(...types),
    spawn: (s) => {
      const worker = spawnRelayWorker(s);
      workers.push(worker);
      return worker;
    },
  });
  t.teardown(() => relay.stop());
  const before = await append(3);
  await onTopic(3);
  t.ok(relay.running(), 'running once started');

  await workers[0]!.terminate();
  t.notOk(relay.running(), 'not running while its worker is gone');
  const after = await append(2);
  const seen = await onTopic(5);
  t.equal(workers.length, 2, 'a second worker was started');
  t.ok(relay.running(), 'running again');
  t.ok([...before, ...after].every((id) => seen.has(id)), 'the events appended while no worker ran are published too');
  t.ok(published.length >= 5 && published.every((type) => type === 'AlertClosed'), 'each published type is reported to the main thread');

  await relay.stop();
  t.notOk(relay.running(), 'stopped');
  t.equal(workers[1]!.threadId, -1, 'its worker has exited');
});
