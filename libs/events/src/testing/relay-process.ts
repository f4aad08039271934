/**
 * Runs one outbox relay until killed; the relay test starts it as a child process. With a batch
 * count it kills itself with SIGKILL right after the broker acknowledged that many batches, before
 * the last one's checkpoint commits: the worst moment to die, and one a poll from outside cannot
 * be sure to hit on a fast machine. argv: databaseUrl schema topic brokers [killAfterBatches]
 */
import pg from 'pg';
import { createKafka } from '../kafka/client.js';
import { startRelay } from '../kafka/relay.js';
import { createLogger } from '../logger.js';
import { PgEventStore } from '../store/event-store.js';

const [url, schema, topic, brokers, killAfter] = process.argv.slice(2);
let published = 0;
const logger = createLogger('relay-under-test', 'warn');
const pool = new pg.Pool({ connectionString: url });
await startRelay({
  store: new PgEventStore(pool, schema!),
  kafka: createKafka({ brokers: brokers!.split(','), clientId: 'relay-under-test', logger }),
  topic: topic!,
  logger,
  batchSize: 50,
  onPublished: () => {
    if (killAfter !== undefined && ++published >= Number(killAfter)) process.kill(process.pid, 'SIGKILL');
  },
});
process.send?.('started');
