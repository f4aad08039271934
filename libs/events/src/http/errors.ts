import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, ResponseSerializationError, type ZodFastifySchemaValidationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConcurrencyConflict, DomainError, ValidationError } from '../errors.js';
import { fieldIssues } from '../issues.js';

/** The contract's error shape, for every 4xx and 5xx answer of every route. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('UPPER_SNAKE, stable: what a client branches on'),
      message: z.string().describe('for people; may change'),
      details: z
        .unknown()
        .optional()
        .describe('VALIDATION_FAILED: { issues: [{ path: "body.x.y" | "query.x" | "params.x" | "headers.x", message }] }'),
    }),
  })
  .meta({ id: 'Error', description: 'The request was refused or failed' });
export type ErrorBody = z.infer<typeof ErrorBody>;

const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  // fastify's secure parser refuses prototype poisoning with the same error as broken JSON
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_JSON',
    message: 'request body is not valid JSON, or names __proto__ or constructor.prototype',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST' },
};

/** Where fastify says a validation failed, as the contract names that part of the request. */
const PARTS: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** The one place a service maps errors to the public contract's `{ error: { code, message } }`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DomainError | Error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) return sendDomain(reply, requestInvalid(error));
    if (error instanceof DomainError) return sendDomain(reply, error);
    if (error instanceof ResponseSerializationError) {
      request.log.error({ err: error, issues: error.cause.issues, route: error.url }, 'response does not match its schema');
      return reply.status(500).send(body('INTERNAL', 'internal error'));
    }
    const fastifyError = error as FastifyError;
    const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    if (known) return reply.status(known.status).send(body(known.code, known.message ?? fastifyError.message));
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return reply.status(fastifyError.statusCode).send(body('BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(body('INTERNAL', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send(body('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));
}

/**
 * The schema compiler's report as the contract's 400: it gives each issue's path as a JSON
 * pointer (`/lastSeen/lat`), which becomes `body.lastSeen.lat`.
 */
function requestInvalid(error: Omit<FastifyError, 'validation'> & { validation: ZodFastifySchemaValidationError[] }): ValidationError {
  const where = PARTS[error.validationContext ?? 'body'] ?? 'body';
  const issues = error.validation.map((v) => ({
    path: v.instancePath === '/' ? [] : v.instancePath.slice(1).split('/'),
    message: v.message ?? 'invalid',
  }));
  return new ValidationError(fieldIssues(issues, where));
}

function sendDomain(reply: FastifyReply, error: DomainError): FastifyReply {
  if (error instanceof ConcurrencyConflict) reply.header('retry-after', '0');
  return reply.status(error.status).send(body(error.code, error.message, error.details));
}

function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
