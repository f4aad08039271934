import { hash } from 'node:crypto';
import {
  canonicalJson,
  newId,
  RuleViolation,
  ValidationError,
  type EventMetadata,
  type RouteKit,
} from '@rapid-search/events';
import { z } from 'zod';
import { AcceptBatcher, openStream, storedEventInput, type AcceptItem } from '../db/accept-batcher.js';
import { decideLink, decideReport, emptyAlert } from '../domain/alert.js';
import { DUPLICATE_WINDOW_HOURS, duplicateKey } from '../domain/duplicates.js';
import { AlertReportBody } from '../domain/report.js';
import { openedAlertRow } from '../projections/alerts.js';
import { reporterOf, type UpstreamSystem } from './upstream-auth.js';

const AlertAnswer = z.object({ alertId: z.string(), caseId: z.string(), status: z.enum(['open', 'closed']), duplicateOf: z.string().optional() });
const IdempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required: 1 to 200 visible ASCII characters' })
  .regex(/^[\x21-\x7e]{1,200}$/, '1 to 200 visible ASCII characters');

/** The alert a duplicate report joins is found by `accept_reports`, which fills in its ids. */
const MATCHED_BY_STORE = { ...emptyAlert(''), status: 'open' as const };

export function registerIntakeRoutes(
  routes: RouteKit,
  deps: { batcher: AcceptBatcher; systems: Map<string, UpstreamSystem>; clock: () => Date },
): void {
  routes.route({
    method: 'POST',
    url: '/v1/alerts',
    summary: 'Report a missing child (upstream systems); opens the case and the quick search',
    tags: ['alerts'],
    roles: ['upstream'],
    headers: z.looseObject({ 'idempotency-key': IdempotencyKey }),
    body: AlertReportBody,
    responses: { 201: AlertAnswer.describe('A new alert was opened'), 200: AlertAnswer.describe('The report joined an open alert, or repeats an earlier request') },
    handler: async ({ body, headers, principal, request, reply }) => {
      const reporter = reporterOf(principal, deps.systems);
      if (body.source !== reporter.source) {
        throw new ValidationError([
          { path: 'body.source', message: `must be "${reporter.source}", the source of upstream system ${reporter.upstreamSystemId}` },
        ]);
      }
      const now = deps.clock();
      const alertId = newId();
      const caseId = newId();
      const events = decideReport({ alertId, caseId, report: body, reporter, now });
      const metadata: EventMetadata = {
        actor: { id: reporter.upstreamSystemId, role: 'upstream' },
        correlationId: request.id,
        causationId: null,
      };
      const dupKey = duplicateKey(body);
      const item: AcceptItem = {
        upstreamSystemId: reporter.upstreamSystemId,
        idempotencyKey: headers['idempotency-key'],
        // Of the validated body: the same report spelled otherwise (key order, spacing) is the same request.
        requestHash: hash('sha256', canonicalJson(body), 'hex'),
        duplicateKey: dupKey,
        lastSeenAt: body.lastSeen.at,
        windowHours: DUPLICATE_WINDOW_HOURS,
        open: {
          append: openStream(`alert-${alertId}`, events.map((e) => storedEventInput(e, caseId, metadata, now))),
          alert: openedAlertRow({ alertId, caseId, report: body, reporter, duplicateKey: dupKey, openedAt: now, streamVersion: events.length }),
          answer: { alertId, caseId, status: 'open' },
        },
        link: storedEventInput(decideLink(MATCHED_BY_STORE, body, reporter, now)[0]!, '', metadata, now),
      };
      const result = await deps.batcher.submit(item);
      if (result.outcome === 'key-reused') {
        throw new RuleViolation('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different body', { status: 409 });
      }
      return reply.status(result.outcome === 'opened' ? 201 : 200).send(result.answer);
    },
  });
}
