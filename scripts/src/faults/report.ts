import type { FaultRun } from './run.js';
import type { FaultOutcome } from './schedule.js';
import { failed, waitMs, type Report } from './trickle.js';

/** What the reports saw while one fault was the latest: a report counts where its wait ended. */
interface FaultWindow {
  name: string;
  servesAgain: string;
  replacement: string;
  settled: string;
  failedAttempts: number;
  fiveHundreds: number;
  longestWaitS: number;
}

function faultWindows(run: FaultRun): FaultWindow[] {
  const windows: FaultOutcome[] = [{ name: '(before the first fault)', at: -Infinity }, ...run.faults];
  return windows.map((f, i) => {
    const to = windows[i + 1]?.at ?? Infinity;
    const within = (at: number) => at >= f.at && at < to;
    const attempts = run.reports.flatMap((r) => r.attempts).filter((a) => within(a.at));
    const waits = run.reports.filter((r) => within(endOf(r))).map((r) => waitMs(r) ?? endOf(r) - r.startedAt);
    return {
      name: `${f.name}${f.inFlightAtStrike === undefined ? '' : `, ${f.inFlightAtStrike} report(s) in flight`}`,
      servesAgain: seconds(f.servesAgainMs),
      replacement: seconds(f.replacementMs),
      settled: f.unsettledAfterMs === undefined ? seconds(f.settledMs) : `> ${(f.unsettledAfterMs / 1000).toFixed(1)} s`,
      failedAttempts: attempts.filter(failed).length,
      fiveHundreds: attempts.filter((a) => typeof a.outcome === 'number' && a.outcome >= 500).length,
      longestWaitS: Math.max(0, ...waits) / 1000,
    };
  });
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);

/** A report's wait ends at its answer, or at its last attempt if none came. */
function endOf(r: Report): number {
  return r.answer?.at ?? r.attempts[r.attempts.length - 1]?.at ?? r.startedAt;
}

/** The longest any report waited from its first attempt to its acknowledgement, in seconds. */
export function worstWaitS(run: FaultRun): number {
  return Math.max(0, ...run.reports.map((r) => waitMs(r) ?? Infinity)) / 1000;
}

/** The longest a killed service took to serve again, in seconds (Infinity: one never did). */
export function worstRecoveryS(run: FaultRun): number {
  return Math.max(0, ...run.faults.filter((f) => f.service).map((f) => f.servesAgainMs ?? Infinity)) / 1000;
}

/** The run as lines a person reads: one per fault, then the invariants. */
export function describeRun(run: FaultRun): string[] {
  const rows = faultWindows(run).map(
    (w) =>
      `  ${w.name.padEnd(56)} serves again ${w.servesAgain.padStart(7)}  replacement ${w.replacement.padStart(7)}  settled ${w.settled.padStart(7)}  ` +
      `failed attempts ${String(w.failedAttempts).padStart(3)}  5xx ${w.fiveHundreds}  longest wait ${w.longestWaitS.toFixed(2)} s`,
  );
  return [
    `${run.replicas} instance(s) of each service: ${run.reports.length} reports, worst wait ${worstWaitS(run).toFixed(2)} s, worst recovery of a killed service ${worstRecoveryS(run).toFixed(2)} s`,
    ...rows,
    `  caught up: ${run.caughtUpMs === undefined ? 'NO' : `${(run.caughtUpMs / 1000).toFixed(1)} s after the last report`}`,
    ...run.invariants.map((i) => `  ${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.detail}`),
  ];
}
