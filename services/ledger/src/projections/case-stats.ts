import type { DomainEvent } from '@rapid-search/events';

/**
 * One case as the statistics see it: when and where it was reported, whether it is a drill (演练),
 * and the first time each milestone was reached. No personal data: nothing of the child or the
 * reporter is kept.
 */
export interface CaseStats {
  caseId: string;
  regionCode: string | null;
  reportedAt: Date | null;
  exercise: boolean;
  /** Event ids of the later reports linked to this case: a set, so a redelivery counts once. */
  duplicateReports: string[];
  /** The quick search's activation: the moment the first CAP `Alert` is issued. */
  firstCapAlertAt: Date | null;
  firstAckAt: Date | null;
  /** The child rescued or returned to the parents, whichever came first. */
  foundAt: Date | null;
  withdrawnAt: Date | null;
}

/** What the projection reads of a consumed event: the event, its id, and its drill mark. */
export interface StatsInput {
  eventId: string;
  event: DomainEvent;
  exercise: boolean;
}

/** The event types that move a case's statistics. */
export const STATS_EVENT_TYPES = [
  'MissingChildReported',
  'DuplicateReportLinked',
  'QuickSearchActivated',
  'TaskAcknowledged',
  'ChildRescued',
  'ChildReturnedToParents',
  'AlertClosed',
] as const satisfies readonly DomainEvent['type'][];

/** The reason the alert service closes an alert with when an upstream system withdraws a false report. */
export const WITHDRAWN = 'withdrawn';

export const emptyStats = (caseId: string): CaseStats => ({
  caseId,
  regionCode: null,
  reportedAt: null,
  exercise: false,
  duplicateReports: [],
  firstCapAlertAt: null,
  firstAckAt: null,
  foundAt: null,
  withdrawnAt: null,
});

/**
 * The row after one event. Every field keeps the earliest time it has seen or a set of ids, so an
 * event applied twice, or events arriving out of order across topics, leave the same row. Whether
 * a case is a drill is the report's mark: the report is what makes a case a drill.
 */
export function evolveStats(row: CaseStats, { eventId, event, exercise }: StatsInput): CaseStats {
  switch (event.type) {
    case 'MissingChildReported':
      return {
        ...row,
        regionCode: event.data.lastSeen.regionCode,
        reportedAt: earliest(row.reportedAt, event.data.reportedAt),
        exercise,
      };
    case 'DuplicateReportLinked':
      return row.duplicateReports.includes(eventId) ? row : { ...row, duplicateReports: [...row.duplicateReports, eventId] };
    case 'QuickSearchActivated':
      return { ...row, firstCapAlertAt: earliest(row.firstCapAlertAt, event.data.activatedAt) };
    case 'TaskAcknowledged':
      return { ...row, firstAckAt: earliest(row.firstAckAt, event.data.acknowledgedAt) };
    case 'ChildRescued':
      return { ...row, foundAt: earliest(row.foundAt, event.data.rescuedAt) };
    case 'ChildReturnedToParents':
      return { ...row, foundAt: earliest(row.foundAt, event.data.returnedAt) };
    case 'AlertClosed':
      return event.data.reason === WITHDRAWN ? { ...row, withdrawnAt: earliest(row.withdrawnAt, event.data.closedAt) } : row;
    default:
      return row;
  }
}

export interface LearnedLatencies {
  reportToFirstCapAlertSeconds?: number;
  reportToFirstAckSeconds?: number;
}

/**
 * The latencies a real case's row knows after an event and did not know before: each is learned
 * once, when both of its ends are first known, so the histograms see a case once however often
 * its events are delivered. A drill teaches nothing.
 */
export function learnedLatencies(before: CaseStats, after: CaseStats): LearnedLatencies {
  if (after.exercise) return {};
  const learned: LearnedLatencies = {};
  const capAlert = newly(before, after, 'firstCapAlertAt');
  if (capAlert !== undefined) learned.reportToFirstCapAlertSeconds = capAlert;
  const ack = newly(before, after, 'firstAckAt');
  if (ack !== undefined) learned.reportToFirstAckSeconds = ack;
  return learned;
}

function newly(before: CaseStats, after: CaseStats, end: 'firstCapAlertAt' | 'firstAckAt'): number | undefined {
  const known = (row: CaseStats) => row.reportedAt !== null && row[end] !== null;
  if (known(before) || !known(after)) return undefined;
  return (after[end]!.getTime() - after.reportedAt!.getTime()) / 1000;
}

function earliest(current: Date | null, at: string): Date {
  const candidate = new Date(at);
  return current !== null && current.getTime() <= candidate.getTime() ? current : candidate;
}
