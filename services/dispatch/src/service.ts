import { Gauge } from 'prom-client';
import websocket from '@fastify/websocket';
import {
  chooseProtocol,
  createServiceApp,
  startServiceRuntime,
  systemClock,
  type BackgroundTask,
  type ServiceOptions,
  type ServiceRuntime,
  type Subscription,
} from '@rapid-search/events';
import type { FastifyInstance } from 'fastify';
import { childCommands } from './commands/child-commands.js';
import { dnaCommands } from './commands/dna-commands.js';
import { taskCommands } from './commands/task-commands.js';
import type { DispatchConfig } from './config.js';
import { startAlertConsumer } from './consumers/alert-consumer.js';
import { startHandoverConsumer } from './consumers/handover-consumer.js';
import { startProfileRetirementConsumer } from './consumers/profile-retirement-consumer.js';
import { startReleaseConsumer } from './consumers/release-consumer.js';
import { startReunionConsumer } from './consumers/reunion-consumer.js';
import type { Directory } from './domain/directory.js';
import { registerCommandCenterRoutes } from './http/command-center-routes.js';
import { registerConsolePage } from './http/console-page.js';
import { registerConsoleRoutes } from './http/console-socket.js';
import { registerChildRoutes } from './http/child-routes.js';
import { registerDnaRoutes } from './http/dna-routes.js';
import { registerReleaseRoutes } from './http/release-routes.js';
import { registerTaskRoutes } from './http/task-routes.js';
import { ConsoleHub } from './live/console-hub.js';
import { startFeedFollower } from './live/feed-follower.js';
import { projectionMigrations } from './projections/migrations.js';
import { caseOfProfile } from './projections/case-of-profile.js';
import { startTaskProjection } from './projections/task-projection.js';
import { startEscalator } from './scheduler/escalator.js';
import { loadDirectory } from './seeds.js';

export interface DispatchService {
  app: FastifyInstance;
  runtime: ServiceRuntime;
  /** How far the projection's commits have reached this instance's consoles; it may run on another instance. */
  projection: Subscription;
  escalator: BackgroundTask;
  hub: ConsoleHub;
  directory: Directory;
  close(): Promise<void>;
}

/** Composes the dispatch service: runtime, read models, consoles, HTTP, consumers, escalator. */
export async function startDispatchService(options: ServiceOptions<DispatchConfig>): Promise<DispatchService> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const directory = loadDirectory();
  const runtime = await startServiceRuntime({ service: 'dispatch', config, logger, migrations: projectionMigrations });
  const { store, pool } = runtime;
  const hub = new ConsoleHub(
    (error) => logger.warn({ err: error }, 'console write failed'),
    (events) => runtime.personal.open(events),
  );
  new Gauge({
    name: 'consoles_connected',
    help: 'Command-center consoles connected over WebSocket',
    registers: [runtime.metrics.registry],
    collect() {
      this.set(hub.count());
    },
  });
  const feed = await startFeedFollower({
    pool,
    schema: store.schema,
    connectionString: config.DATABASE_URL,
    centers: directory.centers().map((c) => c.id),
    logger,
    publish: (d) => hub.publish(d),
  });
  runtime.singleton(
    'task-projection',
    () => startTaskProjection({ store, personal: runtime.personal, notifier: runtime.notifier, directory, logger, onCommitted: feed.offer }),
    'postgres',
  );
  const { app, routes } = await createServiceApp({
    service: 'dispatch',
    logger,
    verify: runtime.verify,
    metrics: runtime.metrics,
    readiness: runtime.readiness,
    limits: config,
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024, handleProtocols: chooseProtocol } });
  const tasks = taskCommands(store, clock);
  const deadlines = config.DISPATCH_ACK_DEADLINES_MS;
  registerCommandCenterRoutes(routes, directory);
  await registerConsolePage(app, routes);
  registerTaskRoutes(routes, { pool, schema: store.schema, commands: tasks });
  registerReleaseRoutes(routes, { pool, schema: store.schema, personal: runtime.personal });
  const regionOf = (id: string) => directory.center(id)?.regionCode;
  registerDnaRoutes(
    routes,
    dnaCommands(store, runtime.personal, clock, regionOf, (ref) => caseOfProfile(pool, store.schema, runtime.personal, ref, regionOf)),
    runtime.personal,
  );
  registerChildRoutes(routes, childCommands(store, clock, directory, deadlines));
  registerConsoleRoutes(routes, {
    pool,
    schema: store.schema,
    personal: runtime.personal,
    hub,
    directory,
    commands: tasks,
    bufferLimit: config.DISPATCH_CONSOLE_BUFFER_BYTES,
    messagesPerSecond: config.DISPATCH_CONSOLE_MESSAGES_PER_SECOND,
    logger,
  });
  const ctx = { directory, deadlines, clock };
  runtime.background('alertConsumer', () => startAlertConsumer(runtime, ctx));
  runtime.background('handoverConsumer', () => startHandoverConsumer(runtime, ctx));
  runtime.background('profileRetirementConsumer', () => startProfileRetirementConsumer(runtime));
  runtime.background('releaseConsumer', () => startReleaseConsumer(runtime));
  runtime.background('reunionConsumer', () => startReunionConsumer(runtime, ctx));
  const escalator = runtime.singleton(
    'escalator',
    async () => startEscalator({ store, directory, deadlines, clock, intervalMs: config.DISPATCH_ESCALATOR_INTERVAL_MS, logger }),
    'postgres',
  );

  return {
    app,
    runtime,
    projection: feed,
    escalator,
    hub,
    directory,
    close: async () => {
      hub.closeAll();
      await app.close();
      await escalator.stop();
      await feed.stop();
      await runtime.close();
    },
  };
}
