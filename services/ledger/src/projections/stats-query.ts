import { regionPrefix } from '@rapid-search/events';
import type { Pool } from 'pg';

export interface Latency {
  p50: number | null;
  p95: number | null;
  count: number;
}

/** One section of the answer: the real cases, or the drills, of a period and region. */
export interface Figures {
  reports: number;
  cases: number;
  withdrawn: number;
  foundWithin24h: number;
  foundWithin7d: number;
  reportToFirstCapAlertSeconds: Latency;
  reportToFirstAckSeconds: Latency;
}

export interface StatsFilter {
  from: Date;
  to: Date;
  regionCode: string;
}

interface Row {
  exercise: boolean;
  reports: number;
  cases: number;
  withdrawn: number;
  found_24h: number;
  found_7d: number;
  cap_alert: number[] | null;
  cap_alert_count: number;
  ack: number[] | null;
  ack_count: number;
}

/**
 * The figures of the cases reported in [from, to) in a region and every region under it, real
 * cases and drills apart. Percentiles are continuous (interpolated), over the cases whose latency
 * is known, in seconds to the millisecond; a report counts its case and the later reports linked to it.
 */
export async function readStats(pool: Pool, filter: StatsFilter): Promise<{ real: Figures; drills: Figures }> {
  const { rows } = await pool.query<Row>(
    `SELECT exercise,
       (count(*) + sum(cardinality(duplicate_reports)))::int AS reports,
       count(*)::int AS cases,
       count(withdrawn_at)::int AS withdrawn,
       count(*) FILTER (WHERE found_at <= reported_at + interval '24 hours')::int AS found_24h,
       count(*) FILTER (WHERE found_at <= reported_at + interval '7 days')::int AS found_7d,
       percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY extract(epoch FROM first_cap_alert_at - reported_at)::float8) AS cap_alert,
       count(first_cap_alert_at)::int AS cap_alert_count,
       percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY extract(epoch FROM first_ack_at - reported_at)::float8) AS ack,
       count(first_ack_at)::int AS ack_count
     FROM ledger.case_stats
     WHERE reported_at >= $1 AND reported_at < $2 AND region_code LIKE $3
     GROUP BY exercise`,
    [filter.from, filter.to, `${regionPrefix(filter.regionCode)}%`],
  );
  const of = (exercise: boolean) => figures(rows.find((r) => r.exercise === exercise));
  return { real: of(false), drills: of(true) };
}

function figures(row: Row | undefined): Figures {
  return {
    reports: row?.reports ?? 0,
    cases: row?.cases ?? 0,
    withdrawn: row?.withdrawn ?? 0,
    foundWithin24h: row?.found_24h ?? 0,
    foundWithin7d: row?.found_7d ?? 0,
    reportToFirstCapAlertSeconds: latency(row?.cap_alert, row?.cap_alert_count),
    reportToFirstAckSeconds: latency(row?.ack, row?.ack_count),
  };
}

/** Seconds to the millisecond: finer is interpolation noise, not information. */
const seconds = (value: number | undefined): number | null => (value === undefined ? null : Math.round(value * 1000) / 1000);

const latency = (percentiles: number[] | null | undefined, count = 0): Latency => ({
  p50: seconds(percentiles?.[0]),
  p95: seconds(percentiles?.[1]),
  count,
});
