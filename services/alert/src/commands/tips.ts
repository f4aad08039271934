import { ConcurrencyConflict, type EventMetadata, type PgEventStore } from '@rapid-search/events';
import type { Pool } from 'pg';
import { findAlert } from '../db/alert-reads.js';
import { drillMark } from '../domain/alert.js';
import { decideTip, tipIdOf, tipStream, type TipBody, type TipVia } from '../domain/tip.js';

export interface TipRequest {
  alertId: string;
  body: TipBody;
  via: TipVia;
  /** The client address for the public, the upstream system for a relay: whose repeats collapse. */
  sender: string;
  correlationId: string;
}

export interface TipAnswer {
  status: 200 | 201;
  tipId: string;
}

/**
 * 线索 intake: the alert is read from its read side (a tip changes nothing on the alert), the tip
 * decided and appended as a new stream. A stream that already exists is this sender's same tip
 * again (retried, or the same words sent twice): it is answered with the first tip's reference.
 */
export function tipCommands(deps: { pool: Pool; store: PgEventStore; clock: () => Date }): (request: TipRequest) => Promise<TipAnswer> {
  return async (request) => {
    const tipId = tipIdOf(request.alertId, request.sender, request.body.description);
    const row = await findAlert(deps.pool, request.alertId);
    const now = deps.clock();
    const alert = row ? { alertId: row.alert_id, caseId: row.case_id, status: row.status, exercise: row.exercise === true } : undefined;
    const events = decideTip({ tipId, alertId: request.alertId, body: request.body, via: request.via, now }, alert);
    const metadata: EventMetadata = {
      actor: request.via.channel === 'upstream' ? { id: request.via.upstreamSystemId, role: 'upstream' } : { id: 'public', role: 'system' },
      correlationId: request.correlationId,
      causationId: null,
      ...drillMark(row?.exercise === true),
    };
    try {
      await deps.store.append(
        tipStream(tipId),
        events.map((event) => ({ event, caseId: event.data.caseId, metadata, occurredAt: now })),
        { expectedVersion: 'no-stream' },
      );
      return { status: 201, tipId };
    } catch (error) {
      if (error instanceof ConcurrencyConflict) return { status: 200, tipId };
      throw error;
    }
  };
}
