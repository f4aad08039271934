import { createReadStream } from 'node:fs';
import swagger from '@fastify/swagger';
import { renderApiReference } from '@scalar/client-side-rendering';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** The reference's browser script, written by the build (`write-docs-script.ts`). */
export const DOCS_SCRIPT = new URL('../docs/scalar.js', import.meta.url);

const HIDDEN = { hide: true };

/**
 * The OpenAPI document, built by @fastify/swagger from the routes' zod schemas, at
 * `/docs/openapi.json` (and `.yaml`), and the interactive reference at `/docs`. Its script is
 * streamed from the build's file, never from elsewhere, and everything in the page that would call
 * out (fonts, telemetry, the hosted client, the AI agent) is off, so it works on a network with no
 * way out.
 */
export function registerDocs(app: FastifyInstance, title: string): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title, version: '1.0.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => {
      const object = jsonSchemaTransformObject(document);
      // The error shape is only ever answered: its request-side twin would document nothing.
      if ('components' in object) delete object.components?.schemas?.ErrorInput;
      return object;
    },
  });
  const page = renderApiReference({
    pageTitle: title,
    cdn: 'js/scalar.js',
    config: {
      url: './openapi.json',
      defaultOpenAllTags: true,
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: true,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
    },
  });
  void app.register(async (docs) => {
    // The reference's routes are the only ones that declare no roles: they are public.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, roles: 'public' };
    });
    const get = (url: string, handler: RouteHandlerMethod) => docs.get(url, { schema: HIDDEN, logLevel: 'silent' }, handler);
    get('/docs', (_, reply) => reply.redirect('/docs/', 301));
    get('/docs/', (_, reply) => reply.type('text/html; charset=utf-8').send(page));
    // The document is public and carries no credentials: a tool on another origin may read it.
    get('/docs/openapi.json', (_, reply) => reply.header('access-control-allow-origin', '*').send(app.swagger()));
    get('/docs/openapi.yaml', (_, reply) =>
      reply
        .header('access-control-allow-origin', '*')
        .type('application/yaml')
        .send(app.swagger({ yaml: true })),
    );
    get('/docs/js/scalar.js', (_, reply) => reply.type('application/javascript; charset=utf-8').send(createReadStream(DOCS_SCRIPT)));
  });
}
