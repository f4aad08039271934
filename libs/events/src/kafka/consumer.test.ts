import t from 'tap';
import type { PoolClient } from 'pg';
import { createKafka, ensureTopics } from './client.js';
import { eachEvent, startIdempotentConsumer, type ConsumedEvent } from './consumer.js';
import { deadLetterTopic } from '../envelope.js';
import { RuleViolation } from '../errors.js';
import { newId } from '../ids.js';
import { closedEnvelope, quiet, storeFixture } from '../store/test-fixtures.js';
import { eventually, requireKafka, TEST_KAFKA_BROKERS, testTopicPrefix } from '../testing/index.js';

await requireKafka();
const fx = await storeFixture('consumer');
t.teardown(fx.close);
const topic = `${testTopicPrefix()}alert.events.v1`;
const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'consumer-test', logger: quiet });
await ensureTopics(kafka, [topic, deadLetterTopic(topic)]);
await fx.pool.query('CREATE TABLE alert.effects (event_id text, reason text)');

const producer = kafka.producer();
await producer.connect();
t.teardown(() => producer.disconnect());

let failOnce = true;
const consumer = await startIdempotentConsumer({
  kafka,
  pool: fx.pool,
  schema: 'alert',
  groupId: `consumer-test-${newId()}`,
  topics: [topic],
  logger: quiet,
  handle: eachEvent(async (event: ConsumedEvent, tx: PoolClient) => {
    if (event.event.type !== 'AlertClosed') return;
    const reason = event.event.data.reason;
    await tx.query('INSERT INTO alert.effects VALUES ($1, $2)', [event.eventId, reason]);
    if (reason === 'transient' && failOnce) {
      failOnce = false;
      throw new Error('database hiccup');
    }
    if (reason === 'refused') throw new RuleViolation('SOME_RULE', 'refused by a rule');
  }),
});
t.teardown(() => consumer.stop());

/** A consumer of the test topic's AlertClosed events whose effect is its own dedupe. */
function selfDeduping(groupId: string, handle: (events: ConsumedEvent[]) => Promise<void>) {
  return startIdempotentConsumer({ kafka, groupId, topics: [topic], logger: quiet, types: ['AlertClosed'], dedupe: 'by-handler', handle });
}

const effects = async (eventId: string) =>
  Number((await fx.pool.query('SELECT count(*) AS n FROM alert.effects WHERE event_id = $1', [eventId])).rows[0].n);

t.test('given a message delivered twice, when consumed, then its effect is applied once', async (t) => {
  const message = closedEnvelope(newId(), 'redelivered');
  const value = JSON.stringify(message);
  await producer.send({
    topic,
    messages: [
      { key: message.caseId, value },
      { key: message.caseId, value },
    ],
  });
  const marker = closedEnvelope(message.caseId, 'marker');
  await producer.send({ topic, messages: [{ key: message.caseId, value: JSON.stringify(marker) }] });
  await eventually(async () => {
    if ((await effects(marker.eventId)) !== 1) throw new Error('marker not consumed yet');
  });
  t.equal(await effects(message.eventId), 1);
});

t.test('given a handler that fails once, when redelivered, then the effect is applied exactly once', async (t) => {
  const message = closedEnvelope(newId(), 'transient');
  await producer.send({ topic, messages: [{ key: message.caseId, value: JSON.stringify(message) }] });
  await eventually(async () => {
    if ((await effects(message.eventId)) !== 1) throw new Error('not yet');
  }, 20000);
  t.notOk(failOnce, 'the first attempt failed');
  t.equal(await effects(message.eventId), 1);
});

t.test('invalid and refused messages go to the dead-letter topic with a reason, and the consumer goes on', async (t) => {
  const dlq = kafka.consumer({ groupId: `dlq-check-${newId()}` });
  await dlq.connect();
  await dlq.subscribe({ topic: deadLetterTopic(topic), fromBeginning: true });
  const reasons: string[] = [];
  await dlq.run({ eachMessage: async ({ message }) => void reasons.push(message.headers?.['dlq-reason']?.toString() ?? '') });
  const caseId = newId();
  const refused = closedEnvelope(caseId, 'refused');
  const after = closedEnvelope(caseId, 'after the bad ones');
  await producer.send({
    topic,
    messages: [
      { key: caseId, value: 'not json at all' },
      { key: caseId, value: JSON.stringify({ ...closedEnvelope(caseId, 'x'), type: 'NoSuchEvent' }) },
      { key: caseId, value: JSON.stringify({ ...closedEnvelope(caseId, 'x'), data: { caseId } }) },
      { key: caseId, value: JSON.stringify(refused) },
      { key: caseId, value: JSON.stringify(after) },
    ],
  });
  await eventually(async () => {
    if ((await effects(after.eventId)) !== 1) throw new Error('consumer stuck');
    if (reasons.length < 4) throw new Error(`${reasons.length} dead letters`);
  }, 20000);
  await dlq.disconnect();
  t.match(reasons.join('\n'), /value is not JSON/);
  t.match(reasons.join('\n'), /unknown event type NoSuchEvent/);
  t.match(reasons.join('\n'), /alertId/);
  t.match(reasons.join('\n'), /SOME_RULE/);
  t.equal(await effects(refused.eventId), 0, 'a refused message leaves no effect');
});

t.test('given a consumer that names its types, when other types arrive, then it passes them over without judging or recording them', async (t) => {
  const handled: string[] = [];
  const groupId = `consumer-types-${newId()}`;
  const picky = await startIdempotentConsumer({
    kafka,
    pool: fx.pool,
    schema: 'alert',
    groupId,
    topics: [topic],
    logger: quiet,
    types: ['AlertClosed'],
    handle: eachEvent(async (event) => void handled.push(event.eventId)),
  });
  t.teardown(() => picky.stop());
  const caseId = newId();
  // A valid event of a type the consumer did not name: without the filter it would be handled.
  const other = {
    ...closedEnvelope(caseId, 'not ours'),
    type: 'CaseOpened',
    data: { caseId, alertId: `alert-${caseId}`, regionCode: '530111', mechanism: 'homicide-case', openedAt: new Date().toISOString() },
  };
  const ours = closedEnvelope(caseId, 'ours');
  await producer.send({ topic, messages: [other, ours].map((m) => ({ key: caseId, value: JSON.stringify(m) })) });
  const recorded = async () =>
    (
      await fx.pool.query<{ message_id: string }>('SELECT message_id FROM alert.processed_messages WHERE consumer = $1 AND message_id = ANY($2)', [
        groupId,
        [other.eventId, ours.eventId],
      ])
    ).rows.map((r) => r.message_id);
  // The handler runs inside the chunk's transaction: wait for its commit, not only for the call.
  await eventually(async () => {
    if (!(await recorded()).includes(ours.eventId)) throw new Error('not committed yet');
  }, 30000);
  // The group reads the shared test topic from its start, so other tests' AlertClosed events arrive too.
  t.notOk(handled.includes(other.eventId), 'the other type never reached the handler');
  t.same(await recorded(), [ours.eventId], 'only the handled event has a dedupe record');
});

t.test(
  'given a self-deduping consumer, when a chunk holds a refused event, then the others are applied, the refused one is dead-lettered, and nothing is recorded',
  async (t) => {
    const groupId = `consumer-self-${newId()}`;
    const applied: string[] = [];
    // An effect that is its own dedupe: applying an event again changes nothing.
    const self = await selfDeduping(groupId, async (events) => {
      if (events.some((e) => e.event.type === 'AlertClosed' && e.event.data.reason === 'refused')) {
        throw new RuleViolation('SOME_RULE', 'refused by a rule');
      }
      for (const e of events) if (!applied.includes(e.eventId)) applied.push(e.eventId);
    });
    t.teardown(() => self.stop());
    const dlq = kafka.consumer({ groupId: `dlq-self-${newId()}` });
    await dlq.connect();
    await dlq.subscribe({ topic: deadLetterTopic(topic), fromBeginning: true });
    // This group also dead-letters the earlier tests' invalid messages (some not even JSON): keep values as text.
    const deadLettered: string[] = [];
    await dlq.run({
      eachMessage: async ({ message }) => {
        if (message.headers?.['dlq-consumer']?.toString() === groupId) deadLettered.push(message.value?.toString() ?? '');
      },
    });
    t.teardown(() => dlq.disconnect());
    const caseId = newId();
    const before = closedEnvelope(caseId, 'before');
    const refused = closedEnvelope(caseId, 'refused');
    const after = closedEnvelope(caseId, 'after');
    await producer.send({ topic, messages: [before, refused, after].map((m) => ({ key: caseId, value: JSON.stringify(m) })) });
    await eventually(async () => {
      if (!applied.includes(after.eventId)) throw new Error('not applied yet');
      if (!deadLettered.some((value) => value.includes(refused.eventId))) throw new Error('not dead-lettered yet');
    }, 30000);
    t.ok(applied.includes(before.eventId), 'the event before the refused one is applied');
    t.notOk(applied.includes(refused.eventId), 'the refused event is not');
    const records = await fx.pool.query('SELECT 1 FROM alert.processed_messages WHERE consumer = $1', [groupId]);
    t.equal(records.rowCount, 0, 'no dedupe record is kept');
  },
);

t.test(
  'given a consumer that has handled messages since its last commit, when it stops, then it commits their offsets: its group does not read them again',
  async (t) => {
    const groupId = `consumer-stop-${newId()}`;
    const applied: string[] = [];
    const stopping = await selfDeduping(groupId, async (events) => void applied.push(...events.map((e) => e.eventId)));
    const marker = closedEnvelope(newId(), 'handled just before the stop');
    const [sent] = await producer.send({ topic, messages: [{ key: marker.caseId, value: JSON.stringify(marker) }] });
    await eventually(async () => {
      if (!applied.includes(marker.eventId)) throw new Error('not applied yet');
    }, 30000);
    await stopping.stop();
    t.ok(Number(await committedOffset(groupId, sent!.partition)) > Number(sent!.baseOffset), 'committed past the marker');
  },
);

t.test(
  'given a batch still being handled when stop is called, when it finishes, then its offsets are committed before the consumer leaves',
  async (t) => {
    const groupId = `consumer-stop-midway-${newId()}`;
    const marker = closedEnvelope(newId(), 'handled while stopping');
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stopping = await selfDeduping(groupId, async (events) => {
      if (!events.some((e) => e.eventId === marker.eventId)) return;
      entered();
      await gate;
    });
    const [sent] = await producer.send({ topic, messages: [{ key: marker.caseId, value: JSON.stringify(marker) }] });
    await inHandler;
    const stopped = stopping.stop();
    release();
    await stopped;
    const offset = await committedOffset(groupId, sent!.partition);
    t.ok(Number(offset) > Number(sent!.baseOffset), `the committed offset (${offset}) is past the marker's (${sent!.baseOffset})`);
  },
);

async function committedOffset(groupId: string, partition: number): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return committed!.partitions.find((p) => p.partition === partition)?.offset;
  } finally {
    await admin.disconnect();
  }
}

t.test(
  'given a consumer that gathers, when a few messages arrive moments apart, then the broker holds the fetch and they are handled as one chunk',
  async (t) => {
    const chunks: string[][] = [];
    const gathering = await startIdempotentConsumer({
      kafka,
      groupId: `consumer-gather-${newId()}`,
      topics: [topic],
      logger: quiet,
      types: ['AlertClosed'],
      dedupe: 'by-handler',
      gatherMs: 3000,
      handle: async (events) => void chunks.push(events.map((e) => e.eventId)),
    });
    t.teardown(() => gathering.stop());
    const caseId = newId();
    const warm = closedEnvelope(caseId, 'the consumer is caught up');
    await producer.send({ topic, messages: [{ key: caseId, value: JSON.stringify(warm) }] });
    await eventually(async () => {
      if (!chunks.some((c) => c.includes(warm.eventId))) throw new Error('not caught up yet');
    }, 30000);

    const burst = [1, 2, 3].map((i) => closedEnvelope(caseId, `burst ${i}`));
    for (const message of burst) {
      await producer.send({ topic, messages: [{ key: caseId, value: JSON.stringify(message) }] });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await eventually(async () => {
      if (!chunks.some((c) => c.includes(burst[2]!.eventId))) throw new Error('burst not handled yet');
    }, 30000);
    const handled = chunks.filter((c) => burst.some((m) => c.includes(m.eventId)));
    t.same(handled, [burst.map((m) => m.eventId)], 'one chunk, in order');
  },
);
