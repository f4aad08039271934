import { createServiceApp, startServiceRuntime, type ServiceOptions } from '@rapid-search/events';
import type { FastifyInstance } from 'fastify';
import type { LedgerConfig } from './config.js';
import { startAuditLedgerConsumer } from './consumers/audit-ledger.js';
import { startCaseEventsConsumer } from './consumers/case-events.js';
import { registerCaseRoutes } from './http/case-routes.js';
import { registerLedgerRoutes } from './http/ledger-routes.js';
import { ledgerMigrations } from './migrations.js';

export interface LedgerService {
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The ledger: case commands over HTTP at once; its two consumers join in the background. */
export async function startLedgerService({ config, logger }: ServiceOptions<LedgerConfig>): Promise<LedgerService> {
  const runtime = await startServiceRuntime({ service: 'ledger', config, logger, migrations: ledgerMigrations });
  runtime.background('caseEventsConsumer', () => startCaseEventsConsumer(runtime));
  runtime.background('auditLedgerConsumer', () => startAuditLedgerConsumer(runtime));
  const { app, routes } = await createServiceApp({
    service: 'ledger',
    logger,
    verify: runtime.verify,
    metrics: runtime.metrics,
    readiness: runtime.readiness,
    limits: config,
  });
  registerCaseRoutes(routes, runtime.store);
  registerLedgerRoutes(routes, runtime.pool);
  return {
    app,
    close: async () => {
      await app.close();
      await runtime.close();
    },
  };
}
