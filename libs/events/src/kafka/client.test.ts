import t from 'tap';
import { createLogger } from '../logger.js';
import { eventually, requireKafka, TEST_KAFKA_BROKERS } from '../testing/index.js';
import { createKafka, kafkaReachable } from './client.js';

await requireKafka();
const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

t.test('given probes that give up before their connect is done, when they have all settled, then no connection is left open', async (t) => {
  const before = sockets();
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'probe-test', logger: createLogger('probe-test', 'fatal') });
  const answers = await Promise.all(Array.from({ length: 10 }, () => kafkaReachable(kafka, 1)));
  t.ok(answers.includes(false), 'a probe that gives up says the broker did not answer in time');
  const left = await eventually(async () => {
    if (sockets() > before) throw new Error(`${sockets() - before} probe connections still open`);
    return sockets();
  });
  t.equal(left, before, 'every probe connection is closed');
  t.equal(await kafkaReachable(kafka), true, 'a probe with time enough finds the broker');
});

t.test('given a producer that has sent and gone idle, when time passes, then its connections neither spin a timer nor warn', async (t) => {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning.name);
  process.on('warning', onWarning);
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'idle-test', logger: createLogger('idle-test', 'fatal') });
  const producer = kafka.producer();
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const admin = kafka.admin();
  await admin.connect();
  await admin.listTopics();
  await admin.disconnect();

  // Timers armed from kafkajs's request queue with no delay to speak of: a check of pending
  // requests re-armed after each check was a wake-up per millisecond per connection. A request
  // still pending when the window opens may legitimately arm its 10 ms check.
  const armed: number[] = [];
  const setTimeoutBefore = globalThis.setTimeout;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    if (new Error().stack?.includes('requestQueue') && Number(args[1] ?? 0) < 10) armed.push(Number(args[1] ?? 0));
    return setTimeoutBefore(...args);
  }) as typeof setTimeout;
  try {
    await new Promise((resolve) => setTimeoutBefore(resolve, 300));
  } finally {
    globalThis.setTimeout = setTimeoutBefore;
    process.off('warning', onWarning);
  }
  t.same(armed, [], 'no request-queue timer spins while the connections are idle');
  t.notOk(warnings.includes('TimeoutNegativeWarning'), 'no negative timeout is asked for');
});
