/** CAP times carry a numeric offset and whole seconds (the schema forbids `Z` and fractions). */
const OFFSET_MINUTES = 8 * 60;
const OFFSET = '+08:00';

/** An instant as CAP writes it, in China Standard Time, the deploying organ's own clock. */
export function capTime(iso: string): string {
  const local = new Date(Date.parse(iso) + OFFSET_MINUTES * 60_000);
  return `${local.toISOString().slice(0, 19)}${OFFSET}`;
}

export function hoursAfter(capSent: string, hours: number): string {
  return capTime(new Date(Date.parse(capSent) + hours * 3_600_000).toISOString());
}

/** A CAP time read back for people: `2026-11-22 19:30 (UTC+08:00)`. */
export function readableTime(iso: string): string {
  const cap = capTime(iso);
  return `${cap.slice(0, 10)} ${cap.slice(11, 16)} (UTC${OFFSET})`;
}
