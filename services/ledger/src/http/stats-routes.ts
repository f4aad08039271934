import { NATIONAL_REGION, RegionCode, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { readStats } from '../projections/stats-query.js';

const STATS_READERS = ['officer', 'auditor'] as const;
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_DAYS = 30;
/** A year and a day: a leap year's whole, and a bound on what one request makes Postgres sort. */
const MAX_DAYS = 366;

const Instant = z.iso.datetime({ offset: true });

/** The period asked for, `to` defaulting to now and `from` to 30 days before `to`. */
function periodOf(query: { from?: string | undefined; to?: string | undefined }, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  return { from, to };
}

const StatsQuery = z
  .object({
    from: Instant.optional().describe('start of the period of reportedAt, inclusive (default: 30 days before `to`)'),
    to: Instant.optional().describe('end of the period, exclusive (default: now)'),
    regionCode: RegionCode.optional().describe('GB/T 2260: this region and every region under it (530000 covers 530102); default every region'),
  })
  .superRefine((query, ctx) => {
    const { from, to } = periodOf(query, new Date());
    if (from.getTime() >= to.getTime()) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before `to`' });
    else if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_DAYS} days after \`from\`` });
  });

const Latency = z.object({
  p50: z.number().nullable().describe('median, seconds; null when no case has it'),
  p95: z.number().nullable().describe('95th percentile, seconds'),
  count: z.number().int().describe('cases whose latency is known'),
});

const Figures = z.object({
  reports: z.number().int().describe('reports received: each case once, plus the later reports linked to it'),
  cases: z.number().int(),
  withdrawn: z.number().int().describe('reports withdrawn as false (the alert closed with reason withdrawn)'),
  foundWithin24h: z.number().int().describe('children rescued or returned within 24 hours of the report'),
  foundWithin7d: z.number().int().describe('within 7 days (includes those within 24 hours)'),
  reportToFirstCapAlertSeconds: Latency.describe('report → first CAP Alert issued (quick search activated)'),
  reportToFirstAckSeconds: Latency.describe('report → first task acknowledged'),
});

const Stats = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  regionCode: z.string(),
  real: Figures.describe('real cases only: drills are never counted here'),
  drills: Figures.describe('演练 — drills, counted apart'),
});

/** Case statistics by period of report and region, from the projection; no personal data. */
export function registerStatsRoutes(routes: RouteKit, pool: Pool): void {
  routes.route({
    method: 'GET',
    url: '/v1/stats',
    summary: 'Reports, cases, finds, withdrawals and the report → CAP Alert and report → first acknowledgement latencies, drills apart',
    tags: ['stats'],
    roles: STATS_READERS,
    query: StatsQuery,
    responses: { 200: Stats },
    handler: async ({ query }) => {
      const { from, to } = periodOf(query, new Date());
      const regionCode = query.regionCode ?? NATIONAL_REGION;
      const { real, drills } = await readStats(pool, { from, to, regionCode });
      return { period: { from: from.toISOString(), to: to.toISOString() }, regionCode, real, drills };
    },
  });
}
