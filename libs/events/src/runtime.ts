import type { Kafka } from 'kafkajs';
import pg from 'pg';
import type { Logger } from 'pino';
import { tokenVerifier, type TokenVerifier } from './auth.js';
import type { BaseConfig } from './config.js';
import { topicOf, deadLetterTopic, TOPICS, type ServiceName } from './envelope.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createKafka, ensureTopics, kafkaReachable } from './kafka/client.js';
import { startRelay, type Relay } from './kafka/relay.js';
import { PgEventStore } from './store/event-store.js';
import { migrate, type Migration } from './store/migrations.js';
import { AppendNotifier } from './store/notifier.js';
import { eventStoreMigrations } from './store/schema.js';

export interface ServiceRuntime {
  service: ServiceName;
  config: BaseConfig;
  logger: Logger;
  pool: pg.Pool;
  store: PgEventStore;
  notifier: AppendNotifier;
  kafka: Kafka;
  relay: Relay;
  metrics: Metrics;
  verify: TokenVerifier;
  topics: Record<ServiceName, string>;
  /** Postgres answers, migrations ran, Kafka answers. Services add their consumers' state. */
  readiness(): Promise<Record<string, boolean>>;
  close(): Promise<void>;
}

/**
 * Everything an event-sourced service needs before its own code runs: the pool, the migrated
 * schema (event store plus the service's own projection tables), the append notifier, Kafka topics
 * and the outbox relay to the service's topic.
 */
export async function startServiceRuntime(options: {
  service: ServiceName;
  config: BaseConfig;
  logger: Logger;
  migrations?: Migration[];
}): Promise<ServiceRuntime> {
  const { service, config, logger } = options;
  const schema = service;
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 20, application_name: `rapid-search-${service}` });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres client error'));
  await migrate(pool, schema, [...eventStoreMigrations(schema), ...(options.migrations ?? [])]);
  const store = new PgEventStore(pool, schema);
  const notifier = new AppendNotifier(config.DATABASE_URL, schema, logger);
  await notifier.start();
  const topics = Object.fromEntries(
    (Object.keys(TOPICS) as ServiceName[]).map((name) => [name, topicOf(name, config.KAFKA_TOPIC_PREFIX)]),
  ) as Record<ServiceName, string>;
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `rapid-search-${service}`, logger });
  await ensureTopics(kafka, Object.values(topics).flatMap((t) => [t, deadLetterTopic(t)]));
  const metrics = createMetrics(service);
  const relay = await startRelay({
    store,
    kafka,
    topic: topics[service],
    logger,
    notifier,
    onPublished: (events) => events.forEach((e) => metrics.eventsAppended.inc({ type: e.type })),
  });
  let kafkaUp = true;
  let lastKafkaCheck = 0;
  return {
    service,
    config,
    logger,
    pool,
    store,
    notifier,
    kafka,
    relay,
    metrics,
    topics,
    verify: tokenVerifier(config.RS_JWT_SECRET),
    readiness: async () => {
      const postgres = await pool.query('SELECT 1').then(() => true, () => false);
      if (Date.now() - lastKafkaCheck > 5000) {
        kafkaUp = await kafkaReachable(kafka);
        lastKafkaCheck = Date.now();
      }
      return { postgres, migrations: true, kafka: kafkaUp };
    },
    close: async () => {
      await relay.stop();
      await notifier.close();
      await pool.end();
    },
  };
}
