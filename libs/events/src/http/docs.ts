import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * The OpenAPI document, built by @fastify/swagger from the routes' zod schemas, at
 * `/docs/openapi.json`, and the interactive reference at `/docs`. The reference's script is served
 * by the plugin itself and everything that would call out (fonts, telemetry, the hosted client,
 * the AI agent) is off, so the page works on a network with no way out.
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
  void app.register(async (docs) => {
    // The reference's own routes are the only ones that declare no roles: they are public.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, roles: 'public' };
    });
    await docs.register(scalar, {
      routePrefix: '/docs',
      logLevel: 'silent',
      configuration: {
        pageTitle: title,
        defaultOpenAllTags: true,
        withDefaultFonts: false,
        telemetry: false,
        hideClientButton: true,
        showDeveloperTools: 'never',
        agent: { disabled: true },
        mcp: { disabled: true },
      },
    });
  });
}
