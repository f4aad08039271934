import type { AlertReport, Reporter } from './report.js';

/** A valid report of a missing 4-year-old, last seen `minutesAgo` before `now`; tests vary one field at a time. */
export function sampleReport(now: Date, minutesAgo = 30, overrides: Partial<AlertReport> = {}): AlertReport {
  const lastSeenAt = new Date(now.getTime() - minutesAgo * 60_000);
  return {
    source: '110',
    reportedAt: new Date(now.getTime() - 60_000).toISOString(),
    child: { name: 'Zhang Xiaoyu (张小雨)', sex: 'female', ageYears: 4 },
    lastSeen: { at: lastSeenAt.toISOString(), lat: 24.96, lon: 102.76, regionCode: '530111' },
    reporter: { name: 'Liu Fang (刘芳)', phone: '13812345678', relation: 'mother' },
    ...overrides,
  };
}

export const KUNMING_110: Reporter = { upstreamSystemId: 'up-kunming-110', source: '110' };
