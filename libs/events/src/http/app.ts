import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifySchemaCompiler } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { TokenVerifier } from '../auth.js';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { authenticateEveryRoute } from './authenticate.js';
import { registerDocs } from './docs.js';
import { installErrorHandling } from './errors.js';
import { limitedServer, rateLimitEveryRoute, type HttpLimits } from './limits.js';
import type { Metrics } from './metrics.js';
import { routeKit, type RouteKit } from './route.js';
import { keepRouteTable } from './route-table.js';
import { unsafeInput } from './unsafe-input.js';

export interface ServiceApp {
  app: FastifyInstance;
  routes: RouteKit;
}

/**
 * `ready` says the service can do its main job (a load balancer sends it traffic); `checks` names
 * each dependency and capability, `ok` or what it is waiting for.
 */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

const ReadinessBody = z.object({ ready: z.boolean(), checks: z.record(z.string(), z.string()) });

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  verify: TokenVerifier;
  metrics: Metrics;
  readiness: () => Promise<Readiness>;
  limits: HttpLimits;
  bodyLimit?: number;
}

/**
 * A fastify instance with what every service shares: JSON only (others 415), a 64 KiB body limit
 * (413), request ids carried into logs, the contract's error shape, authentication by each route's
 * roles, timeouts and rate limits (limits.ts), and /healthz, /readyz, /metrics and /docs. Routes are declared through `routes`.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    serverFactory: limitedServer(options.limits),
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => newId(),
    return503OnClosing: true,
  });
  app.setValidatorCompiler(absentBodyAsUndefined);
  app.setSerializerCompiler(serializerCompiler);
  acceptJsonOnly(app);
  installErrorHandling(app);
  app.decorateRequest('principal', null as never);
  keepRouteTable(app);
  authenticateEveryRoute(app, options.verify);
  await rateLimitEveryRoute(app, options.limits);
  // Before zod, and before anything else walks the input recursively.
  app.addHook('preValidation', async (request) => {
    const issues = [...unsafeInput(request.body, 'body'), ...unsafeInput(request.query, 'query'), ...unsafeInput(request.params, 'params')];
    if (issues.length > 0) throw new ValidationError(issues);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    options.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    options.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) request.log.error({ route, status: reply.statusCode }, 'request failed');
  });
  registerDocs(app, `Rapid Search — ${options.service} service`);

  const routes = routeKit(app);
  routes.route({
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness: the process answers',
    tags: ['operations'],
    roles: 'public',
    responses: { 200: z.object({ status: z.literal('alive'), service: z.string() }) },
    handler: () => ({ status: 'alive' as const, service: options.service }),
  });
  routes.route({
    method: 'GET',
    url: '/readyz',
    summary: 'Readiness: 200 when the service can do its main job, 503 naming what it waits for',
    tags: ['operations'],
    roles: 'public',
    responses: { 200: ReadinessBody, 503: ReadinessBody },
    handler: async ({ reply }) => {
      const { ready, checks } = await options.readiness().catch(() => ({ ready: false, checks: { readiness: 'failed' } }));
      return reply.status(ready ? 200 : 503).send({ ready, checks });
    },
  });
  routes.route({
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics',
    tags: ['operations'],
    roles: 'public',
    responses: {
      200: { description: 'Prometheus text exposition format', content: { [options.metrics.registry.contentType]: { schema: z.string() } } },
    },
    handler: async ({ reply }) => reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics()),
  });
  return { app, routes };
}

/**
 * Fastify hands a validator `null` where a request has no body; zod's `.optional()` means
 * undefined, which is what an absent JSON body is.
 */
const absentBodyAsUndefined: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  return route.httpPart === 'body' ? (data) => validate(data ?? undefined) : validate;
};

/**
 * JSON is the only content type (any other is 415), parsed by fastify's own secure parser, which
 * refuses `__proto__` and `constructor.prototype` keys. An empty body stands for no body.
 */
function acceptJsonOnly(app: FastifyInstance): void {
  const secureJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    secureJson(request, body as string, done);
  });
}
