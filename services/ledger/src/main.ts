import { closeOnSignal, createLogger, listenShared, loadServiceConfig } from '@rapid-search/events';
import { LedgerConfig } from './config.js';
import { startLedgerService } from './service.js';

const config = loadServiceConfig(LedgerConfig);
const logger = createLogger('ledger', config.LOG_LEVEL);
const service = await startLedgerService({ config, logger });
await listenShared(service.app, { port: config.LEDGER_PORT, host: config.HOST });
closeOnSignal(logger, service.close);
