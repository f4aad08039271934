import { hash } from 'node:crypto';
import { canonicalJson, ValidationError, type RouteKit } from '@rapid-search/events';
import { z } from 'zod';
import type { IntakeRequest } from '../commands/intake.js';
import type { WithdrawalAnswer, WithdrawalRequest } from '../commands/withdrawal.js';
import type { RecordedAnswer } from '../domain/intake.js';
import { IntakeBody } from '../domain/report.js';
import { capBody } from './cap-body.js';
import { reporterOf, type UpstreamSystem } from './upstream-auth.js';

const AlertAnswer = z.object({ alertId: z.string(), caseId: z.string(), status: z.enum(['open', 'closed']), duplicateOf: z.string().optional() });
const IdempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required: 1 to 200 visible ASCII characters' })
  .regex(/^[\x21-\x7e]{1,200}$/, '1 to 200 visible ASCII characters');

export function registerIntakeRoutes(
  routes: RouteKit,
  deps: {
    accept: (request: IntakeRequest) => Promise<RecordedAnswer>;
    withdraw: (request: WithdrawalRequest) => Promise<WithdrawalAnswer>;
    systems: Map<string, UpstreamSystem>;
  },
): void {
  routes.route({
    method: 'POST',
    url: '/v1/alerts',
    summary: 'Report a missing child (upstream systems), in JSON or CAP 1.2; opens the case and the quick search',
    description:
      'A JSON report, or a CAP 1.2 `alert` as `application/cap+xml` (or `application/xml`) mapped to one by the intake profile in the alert README. ' +
      '`kind: "withdrawal"` (CAP: `msgType` Cancel) withdraws an earlier report of the caller as false: its alert closes with reason `withdrawn`.',
    tags: ['alerts'],
    roles: ['upstream'],
    headers: z.looseObject({ 'idempotency-key': IdempotencyKey }),
    body: IntakeBody,
    bodyParsers: [capBody],
    responses: {
      201: AlertAnswer.describe('A new alert was opened'),
      200: AlertAnswer.describe('The report joined an open alert, or repeats an earlier request; or the withdrawn report’s alert, closed'),
    },
    handler: async ({ body, headers, principal, request, reply }) => {
      const reporter = reporterOf(principal, deps.systems);
      if (body.kind === 'withdrawal') {
        const { status, answer } = await deps.withdraw({ withdrawal: body, reporter, correlationId: request.id });
        return reply.status(status).send(answer);
      }
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
