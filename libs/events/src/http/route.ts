import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireRole, type Principal, type TokenVerifier } from '../auth.js';
import type { Role } from '../envelope.js';
import { ValidationError } from '../errors.js';
import type { OpenApiRegistry } from './openapi.js';
import { unsafeInput } from './unsafe-input.js';

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: Principal;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tags?: string[];
  /** Who may call it; `public` routes (health, docs) take no token. */
  roles: readonly Role[] | 'public';
  body?: B;
  query?: Q;
  params?: P;
  responses?: Record<number, z.ZodType>;
  handler: (ctx: RouteContext<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown>;
}

export interface RouteKit {
  route<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
    spec: RouteSpec<B, Q, P>,
  ): void;
}

const PUBLIC: Principal = { sub: 'anonymous', role: 'system', grants: [] };

/**
 * Registers routes whose inputs are parsed by zod (a 400 names every bad field path), whose caller
 * is authenticated and authorised before the handler runs, and which appear in the OpenAPI document.
 */
export function routeKit(app: FastifyInstance, verify: TokenVerifier, openapi: OpenApiRegistry): RouteKit {
  return {
    route(spec) {
      openapi.add(spec);
      app.route({
        method: spec.method,
        url: spec.url,
        handler: async (request, reply) => {
          let principal = PUBLIC;
          if (spec.roles !== 'public') {
            principal = await verify(request.headers.authorization);
            requireRole(principal, spec.roles);
          }
          const body = parse(spec.body, request.body, 'body');
          const query = parse(spec.query, request.query, 'query');
          const params = parse(spec.params, request.params, 'params');
          return spec.handler({ body, query, params, principal, request, reply } as never);
        },
      });
    },
  };
}

export function parse<S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): S extends z.ZodType ? z.infer<S> : unknown {
  const unsafe = unsafeInput(value, where);
  if (unsafe.length > 0) throw new ValidationError(unsafe);
  if (!schema) return value as never;
  const result = schema.safeParse(value);
  if (result.success) return result.data as never;
  throw new ValidationError(
    result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  );
}
