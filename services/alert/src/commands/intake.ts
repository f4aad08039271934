import {
  AlongsideConflict,
  catalog,
  ConcurrencyConflict,
  deriveId,
  DomainError,
  newId,
  sleep,
  type AlongsideRow,
  type EventMetadata,
  type PersonalData,
  type PgEventStore,
  reuseSealed,
} from '@rapid-search/events';
import type { Pool } from 'pg';
import { openedAlert, savedState } from '../db/alert-state.js';
import { freshCaseKey } from '../db/case-key.js';
import { intakeLookups, recordedAnswer } from '../db/intake-lookup.js';
import { alertStream, drillMark, emptyAlert, evolve } from '../domain/alert.js';
import { duplicateKey } from '../domain/duplicates.js';
import { answerOf, intakeDecider, type IntakeCommand, type RecordedAnswer } from '../domain/intake.js';
import type { AlertReport, Reporter } from '../domain/report.js';

/** A report as the route hands it over: validated, from a known upstream system, under its key. */
export interface IntakeRequest {
  report: AlertReport;
  reporter: Reporter;
  idempotencyKey: string;
  requestHash: string;
  correlationId: string;
}

/** Each round of a race has a winner: as many rounds as reports of one child may come at one moment. */
const ATTEMPTS = 16;
/** Before a command whose session was lost is tried again: the pool drops the sessions that ended with it meanwhile. */
const LOST_SESSION_PAUSE_MS = 100;
/** The report's personal fields, which the row copies: the paths the store seals in its event. */
const REPORT_PERSONAL_PATHS = catalog.personalPaths('MissingChildReported');

/**
 * Intake's command handler: look up (no lock; one statement for the reports read together),
 * decide (domain/intake.ts), append through the store's group commit with the alert's row and the
 * key's answer alongside, so many reports share one round trip and one commit. What the lookup
 * read is checked at the append: a report that lost a race to another (the alert it joins moved
 * on, the stream its key names exists, the key or the child's alert number is claimed) is looked
 * up and decided again, and then finds what the other wrote: the first answer, the alert to join.
 * The child is found again by a blind index, and the row an opening writes holds the report's
 * personal fields sealed under the case's key, as its event does; that key, made here for the new
 * case, goes into the vault in the same commit.
 */
export function intakeCommands(deps: {
  pool: Pool;
  store: PgEventStore;
  personal: PersonalData;
  clock: () => Date;
}): (request: IntakeRequest) => Promise<RecordedAnswer> {
  const lookUp = intakeLookups(deps.pool);
  const once = async (request: IntakeRequest): Promise<RecordedAnswer> => {
    const { report, reporter, idempotencyKey } = request;
    const key = { upstreamSystemId: reporter.upstreamSystemId, idempotencyKey };
    const dupKey = duplicateKey(report, (value) => deps.personal.index(value));
    const found = await lookUp({ ...key, duplicateKey: dupKey });
    const now = deps.clock();
    const command: IntakeCommand = {
      // Named by its key, so the store lets a key open one alert at most.
      alertId: deriveId('alert', reporter.upstreamSystemId, idempotencyKey),
      caseId: newId(),
      report,
      reporter,
      now,
      requestHash: request.requestHash,
      prior: found.prior,
    };
    const events = intakeDecider.decide(command, { open: found.open });
    const answered = answerOf(command, events);
    if (events.length === 0) return answered;
    const target = found.open.find((a) => a.alertId === answered.answer.duplicateOf) ?? emptyAlert(command.alertId);
    const state = events.reduce(evolve, target);
    // A report that opens an alert opens its case, under a case id made above: its key is new too.
    const caseKey = target.version === 0 ? freshCaseKey(deps.personal, state.caseId) : undefined;
    const sealedReport = caseKey && (await deps.personal.sealFields(state.caseId, report, REPORT_PERSONAL_PATHS, caseKey.key));
    const row: AlongsideRow = sealedReport
      ? openedAlert({ state, report: sealedReport, reporter, openedAt: now, duplicateKey: dupKey, childVersion: found.childVersion })
      : savedState(state);
    const metadata: EventMetadata = {
      actor: { id: reporter.upstreamSystemId, role: 'upstream' },
      correlationId: request.correlationId,
      causationId: null,
      ...drillMark(report.exercise === true),
    };
    const appended = await deps.store.append(
      alertStream(state.alertId),
      events.map((event) => ({
        event: sealedReport
          ? ({ ...event, data: reuseSealed(event.data, catalog.personalPaths(event.type), report, sealedReport) } as typeof event)
          : event,
        caseId: state.caseId,
        metadata,
        occurredAt: now,
      })),
      {
        expectedVersion: target.version === 0 ? 'no-stream' : target.version,
        alongside: [row, recordedAnswer(key, answered), ...(caseKey ? [caseKey.row] : [])],
        ...(caseKey ? { sealingKey: caseKey.key } : {}),
      },
    );
    // An append found to be a repeat wrote none of its rows, so neither the key.
    if (caseKey && !appended.duplicate) deps.personal.keyring.remember(state.caseId, caseKey.key);
    return answered;
  };

  return async (request) => {
    let paused = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(request);
      } catch (error) {
        const raced = error instanceof ConcurrencyConflict || error instanceof AlongsideConflict;
        const lost = !raced && !(error instanceof DomainError) && !paused;
        if (attempt >= ATTEMPTS || !(raced || lost)) throw error;
        if (lost) {
          paused = true;
          await sleep(LOST_SESSION_PAUSE_MS);
        }
      }
    }
  };
}
