import type { Metrics } from '@rapid-search/events';
import { Histogram } from 'prom-client';
import type { LearnedLatencies } from './case-stats.js';

/** From 10 s to a day: an alert is due within minutes, an acknowledgement within its task's deadline. */
const BUCKETS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400];

export type LatencyObserver = (learned: readonly LearnedLatencies[]) => void;

/**
 * The two latencies of real cases as Prometheus histograms on the service's registry. Each case is
 * observed once, by the instance whose transaction first learned the latency; drills never.
 */
export function latencyHistograms(metrics: Metrics): LatencyObserver {
  const capAlert = new Histogram({
    name: 'rapid_search_report_to_first_cap_alert_seconds',
    help: 'Real cases: seconds from the report to the first CAP Alert issued (quick search activated)',
    buckets: BUCKETS,
    registers: [metrics.registry],
  });
  const ack = new Histogram({
    name: 'rapid_search_report_to_first_ack_seconds',
    help: 'Real cases: seconds from the report to the first task acknowledged',
    buckets: BUCKETS,
    registers: [metrics.registry],
  });
  return (learned) => {
    for (const l of learned) {
      if (l.reportToFirstCapAlertSeconds !== undefined) capAlert.observe(l.reportToFirstCapAlertSeconds);
      if (l.reportToFirstAckSeconds !== undefined) ack.observe(l.reportToFirstAckSeconds);
    }
  };
}
