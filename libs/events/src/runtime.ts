import type { Kafka } from 'kafkajs';
import pg from 'pg';
import type { Logger } from 'pino';
import { tokenVerifier, type TokenVerifier } from './auth.js';
import { startInBackground, type BackgroundTask, type Stoppable } from './background.js';
import { backoffMs, sleep } from './backoff.js';
import type { BaseConfig } from './config.js';
import { topicOf, deadLetterTopic, TOPICS, type ServiceName } from './envelope.js';
import type { Readiness } from './http/app.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createKafka, ensureTopics, kafkaReachable } from './kafka/client.js';
import { startRelay } from './kafka/relay.js';
import { kafkaSecurity } from './kafka/security.js';
import { Keyring, KEYRING_SCHEMA } from './personal/keyring.js';
import { keyringMigrations } from './personal/migrations.js';
import { PersonalData } from './personal/personal-data.js';
import { indexKeyOf } from './personal/seal.js';
import { PgEventStore } from './store/event-store.js';
import { lead } from './store/leadership.js';
import { migrate, type Migration } from './store/migrations.js';
import { AppendNotifier } from './store/notifier.js';
import { eventStoreMigrations } from './store/schema.js';

export interface ServiceRuntime {
  service: ServiceName;
  config: BaseConfig;
  logger: Logger;
  pool: pg.Pool;
  store: PgEventStore;
  /** Seals personal fields under their case's key and opens them for a reader entitled to them. */
  personal: PersonalData;
  notifier: AppendNotifier;
  kafka: Kafka;
  metrics: Metrics;
  verify: TokenVerifier;
  topics: Record<ServiceName, string>;
  /** Starts a Kafka-side task (a consumer) in the background once the topics exist; it shows on /readyz. */
  background(name: string, start: () => Promise<Stoppable>): BackgroundTask;
  /**
   * Starts work that must run on one instance at a time (a relay, a timer) under a Postgres
   * advisory lock; on the other instances it stands by and takes over when the holder dies.
   */
  singleton(name: string, start: () => Promise<Stoppable>, waitingFor: string): BackgroundTask;
  /** Ready (200) when Postgres answers: what every service's main job needs. The rest is named. */
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

const POSTGRES_CHECK_MS = 2000;
const KAFKA_CHECK_MS = 5000;

/**
 * Everything an event-sourced service needs before its own code runs, and no more before it may
 * listen: the pool and the migrated schema (retried until Postgres answers), the append notifier.
 * Topics, the outbox relay and every consumer start in the background, so intake, which runs on
 * Postgres alone, never waits for the broker or for a consumer group to settle.
 */
export async function startServiceRuntime(options: {
  service: ServiceName;
  config: BaseConfig;
  logger: Logger;
  migrations?: Migration[];
}): Promise<ServiceRuntime> {
  const { service, config, logger } = options;
  const schema = service;
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: 20,
    application_name: `rapid-search-${service}`,
    // With Postgres unreachable a request fails in seconds instead of waiting for ever.
    connectionTimeoutMillis: 10000,
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres client lost'));
  await untilDone('migrations', logger, () => migrate(pool, schema, [...eventStoreMigrations(schema), ...(options.migrations ?? [])]));
  await untilDone('key vault migrations', logger, () => migrate(pool, KEYRING_SCHEMA, keyringMigrations));
  const personal = new PersonalData(new Keyring(pool, config.RS_PERSONAL_DATA_KEK), indexKeyOf(config.RS_PERSONAL_DATA_KEK));
  const store = new PgEventStore(pool, schema, personal);
  const notifier = new AppendNotifier(config.DATABASE_URL, schema, logger);
  await notifier.start();
  const topics = Object.fromEntries((Object.keys(TOPICS) as ServiceName[]).map((name) => [name, topicOf(name, config.KAFKA_TOPIC_PREFIX)])) as Record<
    ServiceName,
    string
  >;
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `rapid-search-${service}`, logger, security: kafkaSecurity(config) });
  const metrics = createMetrics(service);
  const tasks: BackgroundTask[] = [];

  let topicsExist!: () => void;
  const topicsReady = new Promise<void>((resolve) => (topicsExist = resolve));
  tasks.push(
    startInBackground(
      'topics',
      logger,
      async () => {
        await ensureTopics(
          kafka,
          Object.values(topics).flatMap((t) => [t, deadLetterTopic(t)]),
        );
        topicsExist();
        return { stop: async () => {} };
      },
      'kafka',
    ),
  );
  /** Kafka work waits for the topics, which the task above retries until the broker answers. */
  const afterTopics = (start: () => Promise<Stoppable>) => async () => {
    await topicsReady;
    return start();
  };

  const background = (name: string, start: () => Promise<Stoppable>): BackgroundTask => {
    const task = startInBackground(name, logger, afterTopics(start), 'kafka');
    tasks.push(task);
    return task;
  };
  const singleton = (name: string, start: () => Promise<Stoppable>, waitingFor: string): BackgroundTask => {
    let work: BackgroundTask | undefined;
    const leadership = lead({
      connectionString: config.DATABASE_URL,
      name: `${service}:${name}`,
      logger,
      run: async () => (work = startInBackground(name, logger, start, waitingFor)),
    });
    const task: BackgroundTask = {
      name,
      state: () => (leadership.isLeader() ? (work?.state() ?? 'starting') : 'standby (another instance holds it)'),
      stop: () => leadership.stop(),
    };
    tasks.push(task);
    return task;
  };

  singleton(
    'relay',
    afterTopics(() =>
      startRelay({
        store,
        kafka,
        topic: topics[service],
        logger,
        notifier,
        onPublished: (events) => events.forEach((e) => metrics.eventsAppended.inc({ type: e.type })),
      }),
    ),
    'kafka',
  );

  const postgresUp = cached(POSTGRES_CHECK_MS, () =>
    pool.query('SELECT 1').then(
      () => true,
      () => false,
    ),
  );
  const kafkaUp = cached(KAFKA_CHECK_MS, () => kafkaReachable(kafka));
  return {
    service,
    config,
    logger,
    pool,
    store,
    personal,
    notifier,
    kafka,
    metrics,
    topics,
    background,
    singleton,
    verify: tokenVerifier(config.RS_TOKEN_JWKS),
    readiness: async () => {
      const [postgres, broker] = await Promise.all([postgresUp(), kafkaUp()]);
      const checks: Record<string, string> = {
        postgres: postgres ? 'ok' : 'down',
        kafka: broker ? 'ok' : 'down',
        notifier: notifier.listening() ? 'ok' : 'reconnecting (subscriptions poll meanwhile)',
      };
      for (const task of tasks) checks[task.name] = task.state();
      return { ready: postgres, checks };
    },
    close: async () => {
      await Promise.all(tasks.map((t) => t.stop()));
      await notifier.close();
      await pool.end();
    },
  };
}

/** Retries `work` with capped backoff until it succeeds: a service that starts before its database waits for it. */
async function untilDone<T>(what: string, logger: Logger, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      logger.warn({ err: error, attempt }, `${what} could not run; retrying`);
      await sleep(backoffMs(attempt, { baseMs: 250, capMs: 5000 }));
    }
  }
}

/** A check answered from its last result while it is fresh, so a busy /readyz costs nothing. */
function cached(ttlMs: number, check: () => Promise<boolean>): () => Promise<boolean> {
  let at = 0;
  let last: Promise<boolean> = Promise.resolve(false);
  return () => {
    if (Date.now() - at > ttlMs) {
      at = Date.now();
      last = check();
    }
    return last;
  };
}
