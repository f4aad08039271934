import { RuleViolation, type Decider, type DomainEvent } from '@rapid-search/events';
import { decideLink, decideReport, emptyAlert, evolve as evolveAlert, type AlertState, type ReportCommand } from './alert.js';
import { sameDisappearance } from './duplicates.js';
import { checkReport } from './rules.js';

/** What `POST /v1/alerts` answers. */
export interface AlertAnswer {
  alertId: string;
  caseId: string;
  status: 'open' | 'closed';
  duplicateOf?: string;
}

/** An answer as recorded under the Idempotency-Key it was given to, with the hash of the body it answered. */
export interface RecordedAnswer {
  requestHash: string;
  status: 200 | 201;
  answer: AlertAnswer;
}

/**
 * A report as intake takes it: the ids a new alert would get, and what its Idempotency-Key was
 * answered before, if anything (the key's record is not an event, so it comes with the command).
 */
export interface IntakeCommand extends ReportCommand {
  requestHash: string;
  prior: RecordedAnswer | null;
}

/** The open alerts of the child a report is about (one duplicate key), in the order they were opened. */
export interface ChildAlerts {
  open: AlertState[];
}

/** Folds the events of the child's alerts: each event lands on the alert it names. */
function evolve(state: ChildAlerts, event: DomainEvent): ChildAlerts {
  if (event.type === 'MissingChildReported') return { open: [...state.open, evolveAlert(emptyAlert(event.data.alertId), event)] };
  if (!('alertId' in event.data)) return state;
  const { alertId } = event.data;
  return { open: state.open.map((a) => (a.alertId === alertId ? evolveAlert(a, event) : a)).filter((a) => a.status === 'open') };
}

/**
 * Intake of a report (快速查找). A repeat of an answered request decides nothing (its first answer
 * stands); the same key with another body is refused; a report of a child with an open alert
 * whose sighting is within the duplicate window joins the first such alert; any other opens a new
 * alert, its case and its quick search. The report is checked before anything else.
 */
export const intakeDecider: Decider<IntakeCommand, ChildAlerts> = {
  initialState: () => ({ open: [] }),
  evolve,
  decide: (command, state) => {
    checkReport(command.report, command.now);
    if (command.prior) {
      if (command.prior.requestHash !== command.requestHash) {
        throw new RuleViolation('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different body', { status: 409 });
      }
      return [];
    }
    const joined = state.open.find((a) => a.lastSeen && sameDisappearance(a.lastSeen.at, command.report.lastSeen.at));
    return joined ? decideLink(joined, command.report, command.reporter, command.now) : decideReport(command);
  },
};

/** What the caller hears of a decided intake: the first answer again, the alert joined (200), or the one opened (201). */
export function answerOf(command: IntakeCommand, decided: readonly DomainEvent[]): RecordedAnswer {
  const [first] = decided;
  if (!first) {
    if (!command.prior) throw new Error('an intake that decides nothing answers a prior request');
    return { ...command.prior, status: 200 };
  }
  const { requestHash } = command;
  if (first.type === 'DuplicateReportLinked') {
    const { alertId, caseId } = first.data;
    return { requestHash, status: 200, answer: { alertId, caseId, status: 'open', duplicateOf: alertId } };
  }
  return { requestHash, status: 201, answer: { alertId: command.alertId, caseId: command.caseId, status: 'open' } };
}
