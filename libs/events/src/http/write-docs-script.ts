/**
 * A build step (`npm run build`): writes the API reference's browser script to
 * `dist/docs/scalar.js`, as @scalar/fastify-api-reference itself serves it. The plugin carries the
 * script inline, so a service that loaded it would hold the script, and the module's own source,
 * in its heap for as long as it runs, for a page opened now and then; served from a file, it costs
 * nothing until somebody fetches it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import scalar from '@scalar/fastify-api-reference';
import Fastify from 'fastify';
import { DOCS_SCRIPT } from './docs.js';

const app = Fastify();
await app.register(scalar, { routePrefix: '/docs', configuration: { content: {} } });
const response = await app.inject({ method: 'GET', url: '/docs/js/scalar.js' });
if (response.statusCode !== 200) throw new Error(`the reference's plugin answered ${response.statusCode} for its script`);
await mkdir(new URL('.', DOCS_SCRIPT), { recursive: true });
await writeFile(DOCS_SCRIPT, response.rawPayload);
await app.close();
