import { RuleViolation, ValidationError, type FieldIssue } from '@rapid-search/events';
import type { AlertReport } from './report.js';

/** Upstream clocks drift; a report up to this far in our future is still believed. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
export const AGE_OF_MAJORITY = 18;

/**
 * The rules of a report that need the current time: nothing in the future beyond the skew, last
 * seen no later than reported, born no later than last seen (each a 400 naming the field); then a
 * child of 18 or more is not a missing minor (422 NOT_A_MINOR).
 */
export function checkReport(report: AlertReport, now: Date): void {
  const issues: FieldIssue[] = [];
  const latest = now.getTime() + CLOCK_SKEW_MS;
  const reportedAt = Date.parse(report.reportedAt);
  const lastSeenAt = Date.parse(report.lastSeen.at);
  if (reportedAt > latest) issues.push({ path: 'body.reportedAt', message: 'is in the future' });
  if (lastSeenAt > latest) issues.push({ path: 'body.lastSeen.at', message: 'is in the future' });
  if (lastSeenAt > reportedAt) issues.push({ path: 'body.lastSeen.at', message: 'must not be after reportedAt' });
  const { ageYears, dateOfBirth } = report.child;
  if (ageYears === undefined && dateOfBirth === undefined) {
    issues.push({ path: 'body.child.ageYears', message: 'ageYears or dateOfBirth is required' });
  }
  if (dateOfBirth !== undefined && dateOfBirth > localDate(report.lastSeen.at)) {
    issues.push({ path: 'body.child.dateOfBirth', message: 'must not be after lastSeen.at' });
  }
  if (issues.length > 0) throw new ValidationError(issues);

  if ((ageYears ?? 0) >= AGE_OF_MAJORITY || (dateOfBirth !== undefined && isAdultOn(dateOfBirth, report.lastSeen.at))) {
    throw new RuleViolation('NOT_A_MINOR', 'the person reported was 18 or older when last seen: not a missing minor', {
      status: 422,
    });
  }
}

/** True when the 18th birthday fell on or before the calendar day (in its own offset) of `at`. */
export function isAdultOn(dateOfBirth: string, at: string): boolean {
  const [year, rest] = [Number(dateOfBirth.slice(0, 4)), dateOfBirth.slice(4)];
  return localDate(at) >= `${String(year + AGE_OF_MAJORITY).padStart(4, '0')}${rest}`;
}

/** The calendar date an ISO-8601 time names in its own offset: what the reporter meant by "that day". */
function localDate(isoTime: string): string {
  return isoTime.slice(0, 10);
}
