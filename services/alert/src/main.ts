import { closeOnSignal, createLogger, listenShared, loadServiceConfig } from '@rapid-search/events';
import { AlertConfig } from './config.js';
import { startAlertService } from './service.js';

const config = loadServiceConfig(AlertConfig);
const logger = createLogger('alert', config.LOG_LEVEL);
const service = await startAlertService({ config, logger });
await listenShared(service.app, { port: config.ALERT_PORT, host: config.HOST });
closeOnSignal(logger, service.close);
