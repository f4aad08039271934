import { deriveId, handleCommand, inTransaction, NotFound, RuleViolation, type Clock, type PgEventStore } from '@rapid-search/events';
import type { Pool } from 'pg';
import { findAlert, findAnswer } from '../db/alert-reads.js';
import { saveState } from '../db/alert-state.js';
import { alertDecider, alertStream, drillMark } from '../domain/alert.js';
import type { AlertAnswer } from '../domain/intake.js';
import type { Reporter, Withdrawal } from '../domain/report.js';

export interface WithdrawalRequest {
  withdrawal: Withdrawal;
  reporter: Reporter;
  correlationId: string;
}

export interface WithdrawalAnswer {
  status: 200;
  answer: AlertAnswer;
}

/** Why an alert closed when the system that reported it took the report back as false. */
export const WITHDRAWN = 'withdrawn';

/**
 * Withdrawal of a false report (CAP `Cancel`): the report is found by the key its system sent it
 * under, so a system withdraws only its own reports; the alert it opened closes with reason
 * `withdrawn`, in one transaction with the alert's row, and the release then issues its `Cancel`.
 * The event id derives from the alert, so a withdrawal repeated closes nothing twice and is
 * answered as the first was.
 */
export function withdrawalCommands(deps: {
  pool: Pool;
  store: PgEventStore;
  clock: Clock;
}): (request: WithdrawalRequest) => Promise<WithdrawalAnswer> {
  return async ({ withdrawal, reporter, correlationId }) => {
    const { idempotencyKey, reportedAt } = withdrawal.withdraws;
    const answer = await findAnswer(deps.pool, reporter.upstreamSystemId, idempotencyKey);
    const row = answer ? await findAlert(deps.pool, answer.alertId) : undefined;
    if (!answer || !row || (reportedAt !== undefined && Date.parse(reportedAt) !== row.reported_at.getTime())) {
      throw new NotFound(`report of ${reporter.upstreamSystemId}`, idempotencyKey);
    }
    if (answer.duplicateOf) {
      throw new RuleViolation(
        'REPORT_JOINED_ANOTHER',
        `the report joined alert ${answer.duplicateOf}, opened by an earlier report; that one decides`,
        {
          status: 409,
        },
      );
    }
    const now = deps.clock.now();
    const closed = await inTransaction(deps.pool, async (tx) => {
      const { events, state } = await handleCommand(
        deps.store,
        alertDecider(row.alert_id),
        { kind: 'Close', reason: WITHDRAWN, now },
        {
          streamId: alertStream(row.alert_id),
          tx,
          caseId: () => row.case_id,
          eventId: () => deriveId(row.alert_id, 'alert-withdrawn'),
          metadata: {
            actor: { id: reporter.upstreamSystemId, role: 'upstream' },
            correlationId,
            causationId: null,
            ...drillMark(row.exercise),
          },
          occurredAt: now,
        },
      );
      if (events.length > 0) await saveState(tx, state);
      return state;
    });
    return { status: 200, answer: { alertId: closed.alertId, caseId: closed.caseId, status: 'closed' } };
  };
}
