import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth.js';
import { newId } from '../ids.js';
import { installErrorHandling } from './errors.js';
import type { Metrics } from './metrics.js';
import { OpenApiRegistry } from './openapi.js';
import { routeKit, type RouteKit } from './route.js';

export interface ServiceApp {
  app: FastifyInstance;
  routes: RouteKit;
  openapi: OpenApiRegistry;
}

/**
 * `ready` says the service can do its main job (a load balancer sends it traffic); `checks` names
 * each dependency and capability, `ok` or what it is waiting for.
 */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  verify: TokenVerifier;
  metrics: Metrics;
  readiness: () => Promise<Readiness>;
  bodyLimit?: number;
}

/**
 * A fastify instance with what every service shares: JSON only (others 415), a 64 KiB body limit
 * (413), request ids carried into logs, the contract's error shape, and /healthz, /readyz, /metrics
 * and /docs.
 */
export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => newId(),
    return503OnClosing: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      const error = Object.assign(new Error('request body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
      done(error, undefined);
    }
  });
  installErrorHandling(app);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    options.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    options.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) request.log.error({ route, status: reply.statusCode }, 'request failed');
  });

  const openapi = new OpenApiRegistry(`Rapid Search — ${options.service} service`);
  const routes = routeKit(app, options.verify, openapi);

  app.get('/healthz', async () => ({ status: 'alive', service: options.service }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await options.readiness().catch(() => ({ ready: false, checks: { readiness: 'failed' } }));
    return reply.status(ready ? 200 : 503).send({ ready, checks });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics()),
  );
  app.get('/docs', async () => openapi.document());

  return { app, routes, openapi };
}
