import { createServiceApp, startServiceRuntime, type IdempotentConsumer } from '@rapid-search/events';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
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

export async function startLedgerService(config: LedgerConfig, logger: Logger): Promise<LedgerService> {
  const runtime = await startServiceRuntime({ service: 'ledger', config, logger, migrations: ledgerMigrations });
  const consumers: IdempotentConsumer[] = [];
  try {
    consumers.push(await startCaseEventsConsumer(runtime), await startAuditLedgerConsumer(runtime));
  } catch (error) {
    await Promise.all(consumers.map((c) => c.stop()));
    await runtime.close();
    throw error;
  }
  const [caseEvents, auditLedger] = consumers as [IdempotentConsumer, IdempotentConsumer];
  const { app, routes } = createServiceApp({
    service: 'ledger',
    logger,
    verify: runtime.verify,
    metrics: runtime.metrics,
    readiness: async () => ({
      ...(await runtime.readiness()),
      caseEventsConsumer: caseEvents.running(),
      auditLedgerConsumer: auditLedger.running(),
    }),
  });
  registerCaseRoutes(routes, runtime.store);
  registerLedgerRoutes(routes, runtime.pool);
  return {
    app,
    close: async () => {
      await app.close();
      await Promise.all(consumers.map((c) => c.stop()));
      await runtime.close();
    },
  };
}
