const HOUR_MS = 3600 * 1000;

/**
 * 信息发布: the public-release radius by time since the child was last seen — 100 km within the
 * first hour, 200 km within two, 300 km within three, 500 km after that.
 */
export const RELEASE_SCHEDULE: readonly { afterMs: number; radiusKm: number }[] = [
  { afterMs: 0, radiusKm: 100 },
  { afterMs: 1 * HOUR_MS, radiusKm: 200 },
  { afterMs: 2 * HOUR_MS, radiusKm: 300 },
  { afterMs: 3 * HOUR_MS, radiusKm: 500 },
];

export const INITIAL_RADIUS_KM = RELEASE_SCHEDULE[0]!.radiusKm;

export interface Widening {
  fromKm: number;
  toKm: number;
  dueAt: Date;
}

/** The next step after `currentKm`, or null once the widest radius is reached. */
export function nextWidening(lastSeenAt: Date, currentKm: number): Widening | null {
  const step = RELEASE_SCHEDULE.find((s) => s.radiusKm > currentKm);
  if (!step) return null;
  return { fromKm: currentKm, toKm: step.radiusKm, dueAt: new Date(lastSeenAt.getTime() + step.afterMs) };
}

/**
 * Every step due by `now`, in order. After downtime several may be overdue: each is its own step
 * (and so its own event), so consumers see every ring of the release, never a jump.
 */
export function dueWidenings(lastSeenAt: Date, currentKm: number, now: Date): Widening[] {
  const due: Widening[] = [];
  for (let next = nextWidening(lastSeenAt, currentKm); next && next.dueAt <= now; next = nextWidening(lastSeenAt, next.toKm)) {
    due.push(next);
  }
  return due;
}
