import type { AlertReport } from './report.js';

/** A second report within this many hours of an open alert's last sighting is the same child. */
export const DUPLICATE_WINDOW_HOURS = 72;

/**
 * Who the report is about, as one opaque key: the child's name (normalised), the date of birth or,
 * without one, the age, and the region; and whether it is a drill, so a drill never joins a real
 * alert nor a real report a drill. `index` is a keyed hash (a blind index), so the column that
 * finds duplicates holds no name, and no guess of one can be tried against it without the key.
 */
export function duplicateKey(report: AlertReport, index: (value: string) => string): string {
  const name = report.child.name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const born = report.child.dateOfBirth !== undefined ? `dob:${report.child.dateOfBirth}` : `age:${String(report.child.ageYears)}`;
  const parts = [name, born, report.lastSeen.regionCode, ...(report.exercise === true ? ['drill'] : [])];
  return index(parts.join('\u0000'));
}

/** Two sightings of one child this close in time are one disappearance. */
export function sameDisappearance(lastSeenAt: string, otherLastSeenAt: string): boolean {
  return Math.abs(Date.parse(lastSeenAt) - Date.parse(otherLastSeenAt)) <= DUPLICATE_WINDOW_HOURS * 3600 * 1000;
}
