import { createServiceApp, startServiceRuntime, type ServiceOptions } from '@rapid-search/events';
import type { FastifyInstance } from 'fastify';
import { CheckpointSigner } from './checkpoints/signing.js';
import type { LedgerConfig } from './config.js';
import { startAuditLedgerConsumer } from './consumers/audit-ledger.js';
import { startCaseEventsConsumer } from './consumers/case-events.js';
import { startCaseStatsConsumer } from './consumers/case-stats.js';
import { registerCaseRoutes } from './http/case-routes.js';
import { registerCheckpointRoutes } from './http/checkpoint-routes.js';
import { registerErasureRoutes } from './http/erasure-routes.js';
import { registerLeadRewardRoutes } from './http/lead-reward-routes.js';
import { registerLedgerRoutes } from './http/ledger-routes.js';
import { registerStatsRoutes } from './http/stats-routes.js';
import { registerUnmaskingRoutes } from './http/unmasking-routes.js';
import { ledgerMigrations } from './migrations.js';
import { startCheckpointer } from './scheduler/checkpointer.js';
import { startRetention } from './scheduler/retention.js';

export interface LedgerService {
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The ledger: case commands over HTTP at once; its consumers join in the background. */
export async function startLedgerService({ config, logger }: ServiceOptions<LedgerConfig>): Promise<LedgerService> {
  const signer = new CheckpointSigner(config.LEDGER_CHECKPOINT_KEY);
  const runtime = await startServiceRuntime({ service: 'ledger', config, logger, migrations: ledgerMigrations });
  runtime.background('caseEventsConsumer', () => startCaseEventsConsumer(runtime));
  runtime.background('auditLedgerConsumer', () => startAuditLedgerConsumer(runtime));
  runtime.background('caseStatsConsumer', () => startCaseStatsConsumer(runtime));
  const schedule = { everyEntries: config.LEDGER_CHECKPOINT_EVERY_ENTRIES, everyMinutes: config.LEDGER_CHECKPOINT_EVERY_MINUTES };
  runtime.singleton('checkpointer', async () => startCheckpointer({ pool: runtime.pool, signer, schedule, logger }), 'postgres');
  const { store, personal } = runtime;
  const retentionDays = config.LEDGER_PERSONAL_DATA_RETENTION_DAYS;
  runtime.singleton('retention', async () => startRetention({ store, keyring: personal.keyring, retentionDays, logger }), 'postgres');
  const { app, routes } = await createServiceApp({
    service: 'ledger',
    logger,
    verify: runtime.verify,
    metrics: runtime.metrics,
    readiness: runtime.readiness,
    limits: config,
  });
  registerCaseRoutes(routes, store, personal);
  registerErasureRoutes(routes, store, personal.keyring);
  registerLedgerRoutes(routes, store, personal);
  registerUnmaskingRoutes(routes, runtime.pool);
  registerCheckpointRoutes(routes, runtime.pool, signer);
  registerStatsRoutes(routes, runtime.pool);
  registerLeadRewardRoutes(routes, runtime.pool);
  return {
    app,
    close: async () => {
      await app.close();
      await runtime.close();
    },
  };
}
