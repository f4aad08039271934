/**
 * The body of a relay thread (see relay-thread.ts): its own pool, append notifier, Kafka producer
 * and outbox relay. It tells the service's main thread when it has started and which event types
 * it published, and stops when asked.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { z } from 'zod';
import { createLogger } from '../logger.js';
import { PgEventStore } from '../store/event-store.js';
import { AppendNotifier } from '../store/notifier.js';
import { createKafka } from './client.js';
import { startRelay } from './relay.js';
import { RelayThreadSettings, type RelayThreadReport } from './relay-thread-messages.js';

const settings = RelayThreadSettings.parse(workerData);
const port = parentPort!;
const report = (message: RelayThreadReport) => port.postMessage(message);
const logger = createLogger(settings.service, settings.logLevel).child({ thread: 'relay' });
if (settings.nice > 0) {
  // Process id 0 is the calling thread on Linux: this thread yields, the service's main one does not.
  try {
    setPriority(settings.nice);
  } catch (error) {
    logger.warn({ err: error }, 'relay thread runs at the priority of the process');
  }
}
const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 2, application_name: `rapid-search-${settings.service}-relay` });
pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres client error'));
const notifier = new AppendNotifier(settings.databaseUrl, settings.schema, logger);
await notifier.start();
const relay = await startRelay({
  store: new PgEventStore(pool, settings.schema),
  kafka: createKafka({ brokers: settings.brokers, clientId: `rapid-search-${settings.service}-relay`, logger }),
  topic: settings.topic,
  logger,
  notifier,
  onPublished: (events) => report({ kind: 'published', types: events.map((e) => e.type) }),
});
report({ kind: 'started' });

port.on('message', (message: unknown) => {
  if (z.literal('stop').safeParse(message).success) {
    void (async () => {
      await relay.stop();
      await notifier.close();
      await pool.end();
      port.close();
    })();
  }
});
