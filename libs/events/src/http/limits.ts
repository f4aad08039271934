import { createServer, type Server } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerFactory } from 'fastify';
import { z } from 'zod';
import { RuleViolation } from '../errors.js';

/** The limits every service puts on its callers; all are configuration (see the README's table). */
export const HttpLimitsConfig = z.object({
  /** The whole request, body included, must arrive within this: a body trickled byte by byte is cut off. */
  RS_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  RS_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Open connections one client address may hold; more are closed as they arrive. */
  RS_HTTP_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().positive().default(256),
  /** Requests a minute per authenticated caller (an upstream system, a console, an officer). */
  RS_RATE_LIMIT_PER_CALLER_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  /** Requests a minute per client address on routes that take no token. */
  RS_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().positive().default(1200),
});
export type HttpLimits = z.infer<typeof HttpLimitsConfig>;

/** How often Node looks for requests past their timeout; its default would let a slow body live far longer. */
const TIMEOUT_CHECK_MS = 1000;

/**
 * The HTTP server a service listens with: request and header timeouts enforced promptly, and a
 * cap on the connections of each client address, so a few hosts cannot hold every socket.
 */
export function limitedServer(limits: HttpLimits): FastifyServerFactory {
  return (handler) => {
    const server: Server = createServer(
      {
        requestTimeout: limits.RS_HTTP_REQUEST_TIMEOUT_MS,
        headersTimeout: Math.min(limits.RS_HTTP_HEADERS_TIMEOUT_MS, limits.RS_HTTP_REQUEST_TIMEOUT_MS),
        connectionsCheckingInterval: TIMEOUT_CHECK_MS,
      },
      handler,
    );
    const open = new Map<string, number>();
    server.on('connection', (socket) => {
      const address = socket.remoteAddress ?? 'unknown';
      const count = (open.get(address) ?? 0) + 1;
      if (count > limits.RS_HTTP_CONNECTIONS_PER_ADDRESS) return void socket.destroy();
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left === 0) open.delete(address);
        else open.set(address, left);
      });
    });
    return server;
  };
}

/**
 * Every route is rate-limited once its caller is known: per caller when a token (or an upstream
 * API key) names one, per address otherwise. Over the limit the answer is 429 with Retry-After,
 * never a silent drop, so an upstream system retries its report.
 */
export async function rateLimitEveryRoute(app: FastifyInstance, limits: HttpLimits): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    timeWindow: 60_000,
    keyGenerator: callerKey,
    max: (_request, key) => (key.startsWith('address:') ? limits.RS_RATE_LIMIT_PER_ADDRESS_PER_MINUTE : limits.RS_RATE_LIMIT_PER_CALLER_PER_MINUTE),
    errorResponseBuilder: (_request, context) =>
      new RuleViolation('RATE_LIMITED', `more than ${context.max} requests a minute; retry in ${context.after}`, { status: 429 }),
  });
}

function callerKey(request: FastifyRequest): string {
  const principal = request.principal as FastifyRequest['principal'] | null;
  return principal && principal.sub !== 'anonymous' ? `caller:${principal.role}:${principal.sub}` : `address:${request.ip}`;
}

/** A further limit one route puts on its callers, as a preHandler. */
export type RouteLimit = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * A limit of its own for one route, counted per key (an alert, an address) apart from every
 * route's limit, with the same 429 answer. The app must have `rateLimitEveryRoute` registered.
 */
export function keyedRateLimit(
  app: FastifyInstance,
  options: { name: string; perMinute: number; key: (request: FastifyRequest) => string },
): RouteLimit {
  const limit = app.rateLimit({
    groupId: options.name,
    timeWindow: 60_000,
    max: options.perMinute,
    keyGenerator: (request) => `${options.name}:${options.key(request)}`,
  });
  return async (request, reply) => {
    limiterRanOn(request, false);
    await limit.call(app, request, reply);
    limiterRanOn(request, false);
  };
}

/**
 * @fastify/rate-limit lets one limiter count a request and passes it by every later one, by a
 * flag it sets on the request. A route's own limits are counted besides each other and besides
 * every route's limit, so the flag is cleared before and after each of them.
 */
function limiterRanOn(request: FastifyRequest, ran: boolean): void {
  const symbols = [...Object.getOwnPropertySymbols(request), ...Object.getOwnPropertySymbols(Object.getPrototypeOf(request) as object)];
  const flag = symbols.find((s) => s.description === RATE_LIMIT_RAN);
  if (flag) (request as unknown as Record<symbol, boolean>)[flag] = ran;
}
const RATE_LIMIT_RAN = 'fastify.request.rateLimitRan';
