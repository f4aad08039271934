import type { WebSocket } from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth.js';
import type { Role } from '../envelope.js';
import { DomainError } from '../errors.js';
import type { Roles } from './authenticate.js';
import type { RouteLimit } from './limits.js';
import { ErrorBody } from './errors.js';

/** A response: a zod schema for JSON, or its content types (a stream declares its type and what a line holds). */
export type ResponseSpec = z.ZodType | { description: string; content: Record<string, { schema: z.ZodType }> };

/** What a handler may return: a body one of its JSON responses accepts, or the reply it sent itself. */
type Answer<R> = { [K in keyof R]: R[K] extends z.ZodType ? z.output<R[K]> : never }[keyof R] | FastifyReply;

export interface RouteContext<B, Q, P, H> {
  body: B;
  query: Q;
  params: P;
  headers: H;
  principal: Principal;
  request: FastifyRequest;
  reply: FastifyReply;
}

interface Described {
  url: string;
  summary: string;
  description?: string;
  tags: string[];
}

/**
 * A body in a content type besides JSON, for one route: `parse` turns the raw text (within the
 * app's body limit) into the input the route's `body` schema validates, so every content type is
 * validated and answered alike; what it throws (a DomainError) is answered as the route's errors are.
 */
export interface BodyParser {
  contentTypes: readonly string[];
  parse: (body: string, request: FastifyRequest) => unknown;
}

export interface RouteSpec<
  B extends z.ZodType,
  Q extends z.ZodType,
  P extends z.ZodType,
  H extends z.ZodType,
  R extends Record<number, ResponseSpec>,
> extends Described {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Checked by the onRequest hook (authenticate.ts) before the body is read. */
  roles: Roles;
  body?: B;
  query?: Q;
  params?: P;
  headers?: H;
  /** The answers on success; every route also answers 4xx and 5xx with ErrorBody. */
  responses: R;
  /** Limits of this route beyond every route's own (see `keyedRateLimit` in limits.ts), checked before the handler. */
  limits?: readonly RouteLimit[];
  /** Content types this route takes besides JSON (others stay 415). */
  bodyParsers?: readonly BodyParser[];
  handler: (ctx: RouteContext<z.output<B>, z.output<Q>, z.output<P>, z.output<H>>) => Answer<R> | Promise<Answer<R>>;
}

export interface SocketSpec<Q extends z.ZodType, P extends z.ZodType> extends Described {
  roles: readonly Role[];
  /** The token may come as a subprotocol beside SOCKET_PROTOCOL (socket-protocol.ts), as browsers send it. */
  tokenInProtocol?: boolean;
  query?: Q;
  params?: P;
  /** A refusal (a DomainError) of this caller, answered before the upgrade. */
  admit?: (principal: Principal) => void;
  handler: (socket: WebSocket, ctx: { query: z.output<Q>; params: z.output<P>; principal: Principal; request: FastifyRequest }) => void;
}

export interface RouteKit {
  route<
    B extends z.ZodType = z.ZodUnknown,
    Q extends z.ZodType = z.ZodUnknown,
    P extends z.ZodType = z.ZodUnknown,
    H extends z.ZodType = z.ZodUnknown,
    R extends Record<number, ResponseSpec> = Record<number, ResponseSpec>,
  >(
    spec: RouteSpec<B, Q, P, H, R>,
  ): void;
  /** A WebSocket route (the service registers @fastify/websocket); a plain GET of it is 426. */
  socket<Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(spec: SocketSpec<Q, P>): void;
}

const refused = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });
const ERRORS = {
  '4xx': refused('Refused: 400 VALIDATION_FAILED (details.issues name the fields), MALFORMED_JSON; 401; 403; 404; 409; 413; 415'),
  '5xx': refused('Failed: 500 INTERNAL'),
};

class UpgradeRequired extends DomainError {
  readonly status = 426;
  constructor() {
    super('UPGRADE_REQUIRED', 'this route speaks WebSocket only');
  }
}

/**
 * Declares routes on fastify's own tools: the zod schemas go into the route's `schema` (validated
 * by the zod compiler, responses serialized through theirs, the OpenAPI document built from them)
 * and the roles into its `config` (read by the onRequest hook). Each route is registered in a
 * plugin of its own, so it is declared after @fastify/swagger is loaded and listens for routes.
 */
export function routeKit(app: FastifyInstance): RouteKit {
  return {
    route(spec) {
      const schema = describe(spec, { body: spec.body, querystring: spec.query, params: spec.params, headers: spec.headers });
      void app.register(async (scope) => {
        for (const parser of spec.bodyParsers ?? []) {
          scope.addContentTypeParser([...parser.contentTypes], { parseAs: 'string' }, async (request: FastifyRequest, body: string | Buffer) =>
            parser.parse(body.toString(), request),
          );
        }
        scope.route({
          method: spec.method,
          url: spec.url,
          schema: { ...schema, response: { ...spec.responses, ...ERRORS } } as FastifySchema,
          config: { roles: spec.roles },
          ...(spec.limits ? { preHandler: [...spec.limits] } : {}),
          handler: async (request, reply) =>
            spec.handler({
              body: request.body,
              query: request.query,
              params: request.params,
              headers: request.headers,
              principal: request.principal,
              request,
              reply,
            } as never),
        });
      });
    },
    socket(spec) {
      const schema = describe(spec, { querystring: spec.query, params: spec.params });
      const admit = spec.admit;
      void app.register(async (scope) => {
        scope.route({
          method: 'GET',
          url: spec.url,
          schema: { ...schema, response: { 101: z.null().describe('Switching Protocols: the socket is open'), ...ERRORS } } as FastifySchema,
          config: { roles: spec.roles, ...(spec.tokenInProtocol ? { tokenInProtocol: true } : {}) },
          ...(admit ? { preHandler: async (request: FastifyRequest) => admit(request.principal) } : {}),
          handler: async () => {
            throw new UpgradeRequired();
          },
          wsHandler: (socket, request) =>
            spec.handler(socket, { query: request.query, params: request.params, principal: request.principal, request } as never),
        });
      });
    },
  };
}

function describe(spec: Described & { roles: Roles }, parts: Record<string, z.ZodType | undefined>): FastifySchema {
  const who = spec.roles === 'public' ? 'Public: no token.' : `Roles: ${spec.roles.join(', ')}.`;
  return {
    summary: spec.summary,
    description: spec.description ? `${spec.description}\n\n${who}` : who,
    tags: spec.tags,
    security: spec.roles === 'public' ? [] : [{ bearer: [] }],
    ...Object.fromEntries(Object.entries(parts).filter(([, s]) => s !== undefined)),
  } as FastifySchema;
}
