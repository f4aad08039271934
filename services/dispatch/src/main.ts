import { closeOnSignal, createLogger, listenShared, loadServiceConfig } from '@rapid-search/events';
import { DispatchConfig } from './config.js';
import { startDispatchService } from './service.js';

const config = loadServiceConfig(DispatchConfig);
const logger = createLogger('dispatch', config.LOG_LEVEL);
const service = await startDispatchService({ config, logger });
await listenShared(service.app, { port: config.DISPATCH_PORT, host: config.HOST });
logger.info({ port: config.DISPATCH_PORT, host: config.HOST }, 'dispatch listening');
closeOnSignal(logger, service.close);
