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
