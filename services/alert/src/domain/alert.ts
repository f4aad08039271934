import type { Decider, DomainEvent, DomainEventOf, EventData, EventMetadata } from '@rapid-search/events';
import type { AlertReport, Reporter } from './report.js';
import { dueWidenings, INITIAL_RADIUS_KM } from './schedule.js';

/** One alert as its events leave it; `version` is the stream version the next append expects. */
export interface AlertState {
  alertId: string;
  caseId: string;
  status: 'none' | 'open' | 'closed';
  lastSeen: { at: string; lat: number; lon: number; regionCode: string; address?: string | undefined } | null;
  radiusKm: number;
  version: number;
  duplicateReports: number;
  closed: { at: string; reason: string } | null;
}

export const emptyAlert = (alertId: string): AlertState => ({
  alertId,
  caseId: '',
  status: 'none',
  lastSeen: null,
  radiusKm: 0,
  version: 0,
  duplicateReports: 0,
  closed: null,
});

export function evolve(state: AlertState, event: DomainEvent): AlertState {
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'MissingChildReported': {
      return { ...next, caseId: event.data.caseId, status: 'open', lastSeen: event.data.lastSeen };
    }
    case 'QuickSearchActivated':
      return { ...next, radiusKm: event.data.radiusKm };
    case 'PublicReleaseRadiusWidened':
      return { ...next, radiusKm: event.data.toKm };
    case 'DuplicateReportLinked':
      return { ...next, duplicateReports: state.duplicateReports + 1 };
    case 'SightingConfirmed': {
      return { ...next, lastSeen: event.data.lastSeen, radiusKm: event.data.radiusKm };
    }
    case 'AlertClosed':
      return { ...next, status: 'closed', closed: { at: event.data.closedAt, reason: event.data.reason } };
    default:
      return next;
  }
}

export interface ReportCommand {
  alertId: string;
  caseId: string;
  report: AlertReport;
  reporter: Reporter;
  now: Date;
}

/** What an alert's own stream decides; a report, which may open an alert or join one, is intake.ts's. */
export type AlertCommand =
  | { kind: 'Widen'; now: Date }
  | { kind: 'Close'; reason: string; now: Date }
  | { kind: 'ConfirmSighting'; tip: EventData<'TipReceived'>; taskId: string; now: Date };

/** One alert, in its stream `alert-<alertId>`. */
export const alertDecider = (alertId: string): Decider<AlertCommand, AlertState> => ({
  initialState: () => emptyAlert(alertId),
  evolve,
  decide: (command, state) => {
    switch (command.kind) {
      case 'Widen':
        return decideWidening(state, command.now);
      case 'Close':
        return decideClose(state, command.reason, command.now);
      case 'ConfirmSighting':
        return decideSighting(state, command);
    }
  },
});

export const alertStream = (alertId: string): string => `alert-${alertId}`;

/** The envelope's drill mark (演练) for an event of an alert that is, or is not, a drill. */
export const drillMark = (exercise: boolean): Pick<EventMetadata, 'exercise'> => (exercise ? { exercise: true } : {});

/**
 * A new report opens the alert, and with it the case (命案机制) and the quick search (快速查找) at the
 * first release radius. The report is checked first (intake.ts).
 */
export function decideReport(command: ReportCommand): DomainEvent[] {
  const { alertId, caseId, report, reporter, now } = command;
  const at = now.toISOString();
  const { lat, lon, regionCode } = report.lastSeen;
  return [
    {
      type: 'MissingChildReported',
      data: {
        alertId,
        caseId,
        source: reporter.source,
        upstreamSystemId: reporter.upstreamSystemId,
        reportedAt: report.reportedAt,
        child: report.child,
        lastSeen: report.lastSeen,
        reporter: report.reporter,
      },
    },
    { type: 'CaseOpened', data: { caseId, alertId, regionCode, mechanism: 'homicide-case', openedAt: at } },
    {
      type: 'QuickSearchActivated',
      data: { caseId, alertId, lastSeen: { lat, lon, regionCode, at: report.lastSeen.at }, radiusKm: INITIAL_RADIUS_KM, activatedAt: at },
    },
  ];
}

/** A report of a child who already has an open alert joins that alert instead of opening a case. */
export function decideLink(existing: AlertState, report: AlertReport, reporter: Reporter, now: Date): DomainEventOf<'DuplicateReportLinked'>[] {
  if (existing.status !== 'open') throw new Error(`alert ${existing.alertId} is not open`);
  return [
    {
      type: 'DuplicateReportLinked',
      data: {
        caseId: existing.caseId,
        alertId: existing.alertId,
        source: reporter.source,
        upstreamSystemId: reporter.upstreamSystemId,
        reportedAt: report.reportedAt,
        linkedAt: now.toISOString(),
      },
    },
  ];
}

/** Every widening of the public release that has fallen due; none once the alert is closed. */
function decideWidening(state: AlertState, now: Date): DomainEventOf<'PublicReleaseRadiusWidened'>[] {
  if (state.status !== 'open' || !state.lastSeen) return [];
  const { at, lat, lon, regionCode } = state.lastSeen;
  return dueWidenings(new Date(at), state.radiusKm, now).map((w) => ({
    type: 'PublicReleaseRadiusWidened',
    data: {
      caseId: state.caseId,
      alertId: state.alertId,
      center: { lat, lon, regionCode },
      fromKm: w.fromKm,
      toKm: w.toKm,
      dueAt: w.dueAt.toISOString(),
    },
  }));
}

/** The child is found (rescued or back with the parents), or the report withdrawn as false: the alert stands down, once. */
function decideClose(state: AlertState, reason: string, now: Date): DomainEventOf<'AlertClosed'>[] {
  if (state.status !== 'open') return [];
  return [{ type: 'AlertClosed', data: { caseId: state.caseId, alertId: state.alertId, reason, closedAt: now.toISOString() } }];
}

/**
 * The search follows the child: a confirmed sighting later than the alert's last seen moves it
 * there. The radius stays (a release never narrows); the schedule counts on from the new time. A
 * tip without a region code keeps the alert's region. An earlier sighting, or a closed alert,
 * changes nothing.
 */
function decideSighting(state: AlertState, cmd: Extract<AlertCommand, { kind: 'ConfirmSighting' }>): DomainEventOf<'SightingConfirmed'>[] {
  const { tip } = cmd;
  if (state.status !== 'open' || !state.lastSeen || tip.alertId !== state.alertId) return [];
  if (Date.parse(tip.seenAt) <= Date.parse(state.lastSeen.at)) return [];
  const { lat, lon, regionCode, address } = tip.place;
  return [
    {
      type: 'SightingConfirmed',
      data: {
        caseId: state.caseId,
        alertId: state.alertId,
        tipId: tip.tipId,
        taskId: cmd.taskId,
        lastSeen: { at: tip.seenAt, lat, lon, regionCode: regionCode ?? state.lastSeen.regionCode, ...(address === undefined ? {} : { address }) },
        previousLastSeen: state.lastSeen,
        radiusKm: state.radiusKm,
        confirmedAt: cmd.now.toISOString(),
      },
    },
  ];
}
