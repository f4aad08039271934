import { z } from 'zod';
import type { RouteSpec } from './route.js';

/** Collects the routes as they are registered and renders an OpenAPI 3.1 document from their zod schemas. */
export class OpenApiRegistry {
  readonly #paths: Record<string, Record<string, unknown>> = {};

  constructor(private readonly title: string, private readonly version = '1.0.0') {}

  add(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>): void {
    const path = spec.url.replace(/:(\w+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: spec.tags ?? [],
      security: spec.roles === 'public' ? [] : [{ bearer: [] }],
      'x-roles': spec.roles,
      parameters: [
        ...paramsOf(spec.params, 'path'),
        ...paramsOf(spec.query, 'query'),
      ],
      responses: Object.fromEntries(
        Object.entries(spec.responses ?? { 200: z.unknown() }).map(([status, schema]) => [
          status,
          { description: status, content: { 'application/json': { schema: toSchema(schema) } } },
        ]),
      ),
    };
    if (spec.body) operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(spec.body) } } };
    (this.#paths[path] ??= {})[spec.method.toLowerCase()] = operation;
  }

  document(): unknown {
    return {
      openapi: '3.1.0',
      info: { title: this.title, version: this.version },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: {
          Error: toSchema(
            z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
          ),
        },
      },
      paths: this.#paths,
    };
  }
}

function toSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

function paramsOf(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema || !(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || !s.safeParse(undefined).success,
    schema: toSchema(s),
  }));
}
