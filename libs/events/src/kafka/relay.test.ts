import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createKafka, ensureTopics } from './client.js';
import { newId } from '../ids.js';
import { PgEventStore } from '../store/event-store.js';
import { startRelay } from './relay.js';
import { newEvent, quiet, storeFixture } from '../store/test-fixtures.js';
import { eventually, requireKafka, TEST_KAFKA_BROKERS, testTopicPrefix } from '../testing/index.js';

await requireKafka();
const fx = await storeFixture('relay');
t.teardown(fx.close);
const topic = `${testTopicPrefix()}alert.events.v1`;
const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'relay-test', logger: quiet });
await ensureTopics(kafka, [topic]);
const relayScript = fileURLToPath(new URL('../testing/relay-process.js', import.meta.url));

function startRelayProcess(killAfterBatches?: number) {
  const args = [fx.db.url, 'alert', topic, TEST_KAFKA_BROKERS.join(',')];
  return fork(relayScript, killAfterBatches === undefined ? args : [...args, String(killAfterBatches)], { stdio: 'inherit' });
}

async function checkpoint(): Promise<number> {
  const { rows } = await fx.pool.query<{ position: string }>(`SELECT position FROM alert.checkpoints WHERE name = $1`, [`relay:${topic}`]);
  return Number(rows[0]?.position ?? 0);
}

t.test('given a relay killed mid-stream, when it restarts, then every event is on Kafka in order per case', async (t) => {
  const cases = Array.from({ length: 10 }, () => newId());
  const streams = new Map<string, string[]>();
  for (let round = 0; round < 30; round++) {
    await Promise.all(
      cases.map(async (caseId) => {
        const stored = await fx.store.append(`alert-${caseId}`, [newEvent(caseId, round)], { expectedVersion: round === 0 ? 'no-stream' : round });
        void stored;
      }),
    );
  }
  for (const caseId of cases)
    streams.set(
      caseId,
      (await fx.store.readStream(`alert-${caseId}`)).map((e) => e.eventId),
    );
  const head = await fx.store.headPosition();

  // Batches of 50: the third batch is on the broker but its checkpoint never commits.
  const first = startRelayProcess(3);
  const [, signal] = (await new Promise((r) => first.once('exit', (...a) => r(a)))) as [number | null, string | null];
  t.equal(signal, 'SIGKILL', 'the first relay died by SIGKILL');
  const atKill = await checkpoint();
  t.ok(atKill > 0 && atKill < head, `killed mid-stream (checkpoint ${atKill} of ${head})`);

  const second = startRelayProcess();
  t.teardown(() => void second.kill('SIGKILL'));
  await eventually(async () => {
    if ((await checkpoint()) < head) throw new Error('relay not caught up');
  }, 120_000);

  const received = new Map<string, string[]>();
  const consumer = kafka.consumer({ groupId: `relay-check-${newId()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let total = 0;
  await consumer.run({
    eachMessage: async ({ message }) => {
      const envelope = JSON.parse(message.value!.toString()) as { eventId: string; caseId: string };
      t.equal(message.key?.toString(), envelope.caseId, 'keyed by case');
      const list = received.get(envelope.caseId) ?? [];
      list.push(envelope.eventId);
      received.set(envelope.caseId, list);
      total++;
    },
  });
  await eventually(async () => {
    const distinct = new Set([...received.values()].flat()).size;
    if (distinct < head) throw new Error(`${distinct} of ${head} distinct events received`);
  }, 30000);
  await consumer.disconnect();

  for (const [caseId, expected] of streams) {
    const firstSeen = [...new Set(received.get(caseId) ?? [])];
    t.same(firstSeen, expected, `case ${caseId.slice(0, 8)}: every event, in stream order`);
  }
  t.ok(total >= head + 50, `${total} deliveries for ${head} events: the unacknowledged batch again (at least once)`);
});

t.test(
  'given a relay whose checkpoint cannot be read, when it fails to start again and again, then it leaves no broker connection open',
  async (t) => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    // The store's pool closes an idle connection after a while and opens one for the next query;
    // one query now keeps that connection out of the count.
    await fx.pool.query('SELECT 1');
    const before = sockets();
    const nowhere = new PgEventStore(fx.pool, 'no_such_schema');
    for (let i = 0; i < 5; i++) await t.rejects(startRelay({ store: nowhere, kafka, topic, logger: quiet }));
    // A disconnected producer's socket is released once its close has run, which under a loaded
    // machine may be a moment after disconnect() resolved; a leaked one would never be.
    await eventually(async () => {
      if (sockets() > before) throw new Error(`${sockets() - before} broker connections still open`);
    }, 5000);
    t.equal(sockets(), before, 'every producer it connected was let go');
  },
);
