/**
 * Runs one outbox relay until killed; the relay test starts it as a child process so that it can
 * kill it with SIGKILL at an arbitrary moment. argv: databaseUrl schema topic brokers
 */
import pg from 'pg';
import { createKafka } from '../kafka/client.js';
import { startRelay } from '../kafka/relay.js';
import { createLogger } from '../logger.js';
import { PgEventStore } from '../store/event-store.js';

const [url, schema, topic, brokers] = process.argv.slice(2);
const logger = createLogger('relay-under-test', 'warn');
const pool = new pg.Pool({ connectionString: url });
await startRelay({
  store: new PgEventStore(pool, schema!),
  kafka: createKafka({ brokers: brokers!.split(','), clientId: 'relay-under-test', logger }),
  topic: topic!,
  logger,
  batchSize: 50,
});
process.send?.('started');
