import { createHash } from 'node:crypto';
import { createServiceApp, keyedRateLimit, startServiceRuntime, systemClock, type ServiceOptions } from '@rapid-search/events';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AlertConfig } from './config.js';
import { startCaseClosingConsumer } from './consumers/case-closing.js';
import { startErasureConsumer } from './consumers/erasure-consumer.js';
import { startSightingConsumer } from './consumers/sighting-consumer.js';
import { intakeCommands } from './commands/intake.js';
import { tipCommands } from './commands/tips.js';
import { withdrawalCommands } from './commands/withdrawal.js';
import { alertMigrations } from './db/migrations.js';
import { registerIntakeRoutes } from './http/intake-routes.js';
import { registerPublicRoutes } from './http/public-routes.js';
import { registerQueryRoutes } from './http/query-routes.js';
import { registerTipRoutes } from './http/tip-routes.js';
import { loadUpstreamSystems, upstreamAwareVerifier } from './http/upstream-auth.js';
import { startRadiusScheduler } from './scheduler/radius-scheduler.js';

export interface AlertService {
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The whole alert service, ready to listen as soon as its schema is migrated: intake and queries
 * need Postgres alone; the case-closing consumer and the radius scheduler start in the background.
 */
export async function startAlertService(options: ServiceOptions<AlertConfig>): Promise<AlertService> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const runtime = await startServiceRuntime({ service: 'alert', config, logger, migrations: alertMigrations });
  const systems = loadUpstreamSystems();
  runtime.background('caseClosingConsumer', () =>
    startCaseClosingConsumer({
      kafka: runtime.kafka,
      metrics: runtime.metrics,
      pool: runtime.pool,
      store: runtime.store,
      topic: runtime.topics.ledger,
      groupId: `${config.KAFKA_TOPIC_PREFIX}alert.case-closing`,
      clock,
      logger,
    }),
  );
  runtime.background('sightingConsumer', () =>
    startSightingConsumer({
      kafka: runtime.kafka,
      metrics: runtime.metrics,
      pool: runtime.pool,
      store: runtime.store,
      topic: runtime.topics.dispatch,
      groupId: `${config.KAFKA_TOPIC_PREFIX}alert.sightings`,
      clock,
      logger,
    }),
  );
  runtime.background('erasureConsumer', () => startErasureConsumer(runtime));
  runtime.singleton(
    'radiusScheduler',
    async () => startRadiusScheduler({ pool: runtime.pool, store: runtime.store, clock, intervalMs: config.ALERT_SCHEDULER_INTERVAL_MS, logger }),
    'postgres',
  );
  const verify = upstreamAwareVerifier(systems, runtime.verify);
  const { app, routes } = await createServiceApp({
    service: 'alert',
    logger,
    verify,
    metrics: runtime.metrics,
    readiness: runtime.readiness,
    limits: config,
  });
  registerIntakeRoutes(routes, {
    accept: intakeCommands({ pool: runtime.pool, store: runtime.store, personal: runtime.personal, clock: () => clock.now() }),
    withdraw: withdrawalCommands({ pool: runtime.pool, store: runtime.store, clock }),
    systems: new Map(systems.map((s) => [s.id, s])),
  });
  registerQueryRoutes(routes, { pool: runtime.pool, store: runtime.store, personal: runtime.personal });
  registerPublicRoutes(routes, {
    pool: runtime.pool,
    store: runtime.store,
    personal: runtime.personal,
    baseUrl: config.CAP_PUBLIC_BASE_URL.replace(/\/+$/, ''),
    verify,
    profile: { sender: config.CAP_SENDER, senderName: config.CAP_SENDER_NAME, contact: config.CAP_CONTACT },
  });
  registerTipRoutes(routes, {
    receive: tipCommands({ pool: runtime.pool, store: runtime.store, clock: () => clock.now() }),
    verify,
    limits: [
      keyedRateLimit(app, { name: 'tips-per-sender', perMinute: config.ALERT_TIPS_PER_SENDER_PER_MINUTE, key: tipSender }),
      keyedRateLimit(app, {
        name: 'tips-per-alert',
        perMinute: config.ALERT_TIPS_PER_ALERT_PER_MINUTE,
        key: (r) => (r.params as { alertId: string }).alertId,
      }),
    ],
  });
  await app.ready();

  return {
    app,
    close: async () => {
      await app.close();
      await runtime.close();
    },
  };
}

/** A relay is counted by its credentials (never kept, only their hash), the public by address. */
function tipSender(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  return authorization ? `relay:${createHash('sha256').update(authorization).digest('hex')}` : `address:${request.ip}`;
}
