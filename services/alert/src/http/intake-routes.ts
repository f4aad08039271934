import { hash } from 'node:crypto';
import { canonicalJson, ValidationError, type RouteKit } from '@rapid-search/events';
import { z } from 'zod';
import type { IntakeRequest } from '../commands/intake.js';
import type { RecordedAnswer } from '../domain/intake.js';
import { AlertReportBody } from '../domain/report.js';
import { reporterOf, type UpstreamSystem } from './upstream-auth.js';

const AlertAnswer = z.object({ alertId: z.string(), caseId: z.string(), status: z.enum(['open', 'closed']), duplicateOf: z.string().optional() });
const IdempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required: 1 to 200 visible ASCII characters' })
  .regex(/^[\x21-\x7e]{1,200}$/, '1 to 200 visible ASCII characters');

export function registerIntakeRoutes(
  routes: RouteKit,
  deps: { accept: (request: IntakeRequest) => Promise<RecordedAnswer>; systems: Map<string, UpstreamSystem> },
): void {
  routes.route({
    method: 'POST',
    url: '/v1/alerts',
    summary: 'Report a missing child (upstream systems); opens the case and the quick search',
    tags: ['alerts'],
    roles: ['upstream'],
    headers: z.looseObject({ 'idempotency-key': IdempotencyKey }),
    body: AlertReportBody,
    responses: {
      201: AlertAnswer.describe('A new alert was opened'),
      200: AlertAnswer.describe('The report joined an open alert, or repeats an earlier request'),
    },
    handler: async ({ body, headers, principal, request, reply }) => {
      const reporter = reporterOf(principal, deps.systems);
      if (body.source !== reporter.source) {
        throw new ValidationError([
          { path: 'body.source', message: `must be "${reporter.source}", the source of upstream system ${reporter.upstreamSystemId}` },
        ]);
      }
      const { status, answer } = await deps.accept({
        report: body,
        reporter,
        idempotencyKey: headers['idempotency-key'],
        // Of the validated body: the same report spelled otherwise (key order, spacing) is the same request.
        requestHash: hash('sha256', canonicalJson(body), 'hex'),
        correlationId: request.id,
      });
      return reply.status(status).send(answer);
    },
  });
}
