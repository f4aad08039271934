import pg from 'pg';
import { z } from 'zod';
import { distanceKm, readSeed } from '@rapid-search/events';
import type { ConsoleWatcher } from './consoles.js';
import { get } from './probes.js';
import type { SystemUnderTest } from './system.js';
import { failed, type Report } from './trickle.js';

/** One property the system must have kept through the faults, and what was found. */
export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

const Hubs = z.array(z.object({ id: z.string(), lat: z.number(), lon: z.number() }).passthrough());

/** Checks every invariant against the stores, the ledger's verifier and what the clients saw. */
export async function checkInvariants(
  system: SystemUnderTest,
  reports: Report[],
  consoles: ConsoleWatcher[],
  auditorToken: string,
): Promise<Invariant[]> {
  const client = new pg.Client({ connectionString: system.database.url });
  await client.connect();
  try {
    const invariants = [
      clientSawNoFailure(reports),
      await storedOnce(client, reports),
      await interceptedOnce(client, reports),
      await chainedOnce(client),
      await verified(system.urls.ledger, auditorToken),
    ];
    for (const watcher of consoles) invariants.push(await fedWhole(client, watcher));
    return invariants;
  } finally {
    await client.end();
  }
}

function clientSawNoFailure(reports: Report[]): Invariant {
  const unanswered = reports.filter((r) => !r.answer).length;
  const attempts = reports.flatMap((r) => r.attempts);
  const statuses = attempts.map((a) => a.outcome).filter((o): o is number => typeof o === 'number');
  const fiveHundreds = attempts.filter((a) => typeof a.outcome === 'number' && a.outcome >= 500).map((a) => `${a.outcome} ${a.body ?? ''}`);
  const refused = statuses.filter((s) => s >= 400 && s < 500);
  const failures = reports.flatMap((r) => r.attempts.filter(failed)).length;
  const retried = reports.filter((r) => r.attempts.length > 1);
  // A 200 to a retry: the attempt that failed had committed, and the retry was answered from it.
  const replayed = retried.filter((r) => r.answer?.status === 200).length;
  return {
    name: 'every report is acknowledged and no answer is a 5xx',
    ok: reports.length > 0 && unanswered === 0 && fiveHundreds.length === 0 && refused.length === 0,
    detail: `${reports.length} reports, ${unanswered} unacknowledged, 5xx: [${fiveHundreds.join(', ')}], 4xx: [${refused.join(', ')}], ${failures} failed attempts, ${retried.length} reports retried (${replayed} answered 200 from an attempt that had committed)`,
  };
}

async function storedOnce(client: pg.Client, reports: Report[]): Promise<Invariant> {
  const acknowledged = new Set(reports.flatMap((r) => (r.answer ? [r.answer.alertId] : [])));
  const { rows } = await client.query<{ alert_id: string; n: number }>(
    `SELECT data->>'alertId' AS alert_id, count(*)::int AS n FROM alert.events WHERE type = 'MissingChildReported' GROUP BY 1`,
  );
  const stored = new Map(rows.map((r) => [r.alert_id, r.n]));
  const missing = [...acknowledged].filter((id) => !stored.has(id));
  const twice = rows.filter((r) => r.n > 1).map((r) => r.alert_id);
  const extra = rows.filter((r) => !acknowledged.has(r.alert_id)).map((r) => r.alert_id);
  const shared = reports.filter((r) => r.answer).length - acknowledged.size;
  return {
    name: 'every acknowledged report is stored exactly once, and nothing else is',
    ok: missing.length === 0 && twice.length === 0 && extra.length === 0 && shared === 0,
    detail: `${acknowledged.size} acknowledged, ${rows.length} stored; missing ${list(missing)}, stored twice ${list(twice)}, not acknowledged ${list(extra)}, reports answered with another's alert ${shared}`,
  };
}

/** The hubs in reach are derived as dispatch must derive them: the release's widest radius around the last sighting. */
async function interceptedOnce(client: pg.Client, reports: Report[]): Promise<Invariant> {
  const hubs = readSeed('transport-hubs.json', Hubs);
  const cases = new Set(reports.flatMap((r) => (r.answer ? [r.answer.caseId] : [])));
  const releases = await client.query<{ case_id: string; lat: number; lon: number; radius_km: number }>(
    `SELECT case_id, (data->'lastSeen'->>'lat')::float8 AS lat, (data->'lastSeen'->>'lon')::float8 AS lon,
            greatest((data->>'radiusKm')::float8, (SELECT max((w.data->>'toKm')::float8) FROM alert.events w
                                                   WHERE w.case_id = q.case_id AND w.type = 'PublicReleaseRadiusWidened')) AS radius_km
     FROM alert.events q WHERE type = 'QuickSearchActivated' AND case_id = ANY($1)`,
    [[...cases]],
  );
  const expected = new Set(releases.rows.flatMap((c) => hubs.filter((h) => distanceKm(c, h) <= c.radius_km).map((h) => `${c.case_id} ${h.id}`)));
  const { rows } = await client.query<{ pair: string; n: number }>(
    `SELECT pair, count(*)::int AS n FROM (
       SELECT e.case_id || ' ' || (task->'hub'->>'id') AS pair
         FROM dispatch.events e, json_array_elements(e.data->'tasks') task WHERE e.type = 'InterceptionTasksAssigned'
       UNION ALL
       SELECT case_id || ' ' || (data->'hub'->>'id') FROM dispatch.events WHERE type = 'InterceptionTaskAssigned') tasked
     GROUP BY 1`,
  );
  const tasked = new Map(rows.map((r) => [r.pair, r.n]));
  const missing = [...expected].filter((p) => !tasked.has(p));
  const twice = rows.filter((r) => r.n > 1).map((r) => r.pair);
  const extra = rows.filter((r) => !expected.has(r.pair)).map((r) => r.pair);
  return {
    name: 'every (case, hub) in reach has exactly one interception task',
    ok: releases.rows.length === cases.size && missing.length === 0 && twice.length === 0 && extra.length === 0,
    detail: `${cases.size} cases (${releases.rows.length} activated), ${expected.size} (case, hub) in reach, ${rows.length} tasked; missing ${list(missing)}, tasked twice ${list(twice)}, out of reach ${list(extra)}`,
  };
}

async function chainedOnce(client: pg.Client): Promise<Invariant> {
  const { rows } = await client.query<{ stored: number; chained: number; distinct_chained: number; unchained: string[]; foreign: string[] }>(
    `WITH stored AS (SELECT event_id FROM alert.events UNION ALL SELECT event_id FROM dispatch.events UNION ALL SELECT event_id FROM ledger.events)
     SELECT (SELECT count(*)::int FROM stored) AS stored,
            (SELECT count(*)::int FROM ledger.entries) AS chained,
            (SELECT count(DISTINCT event_id)::int FROM ledger.entries) AS distinct_chained,
            (SELECT coalesce(array_agg(event_id::text), '{}') FROM (SELECT event_id FROM stored EXCEPT SELECT event_id FROM ledger.entries) s) AS unchained,
            (SELECT coalesce(array_agg(event_id::text), '{}') FROM (SELECT event_id FROM ledger.entries EXCEPT SELECT event_id FROM stored) s) AS foreign`,
  );
  const r = rows[0]!;
  return {
    name: 'every event of the three stores is chained in the ledger exactly once',
    ok: r.stored > 0 && r.chained === r.stored && r.distinct_chained === r.chained && r.unchained.length === 0 && r.foreign.length === 0,
    detail: `${r.stored} stored, ${r.chained} chained (${r.distinct_chained} distinct); unchained ${list(r.unchained)}, chained but in no store ${list(r.foreign)}`,
  };
}

async function verified(ledgerUrl: string, auditorToken: string): Promise<Invariant> {
  const answer = await get(`${ledgerUrl}/v1/ledger/verify`, 60_000, { authorization: `Bearer ${auditorToken}` });
  const report =
    answer?.status === 200 ? (JSON.parse(answer.body) as { ok: boolean; entries: number; brokenLinks: number; violations: unknown[] }) : undefined;
  return {
    name: "the ledger's verifier finds the chain intact and every rule kept",
    ok: report?.ok === true && report.brokenLinks === 0 && report.violations.length === 0,
    detail: report
      ? `ok ${report.ok}, ${report.entries} entries, ${report.brokenLinks} broken links, violations ${JSON.stringify(report.violations).slice(0, 300)}`
      : `verify answered ${answer?.status ?? 'nothing'}: ${answer?.body.slice(0, 300) ?? ''}`,
  };
}

async function fedWhole(client: pg.Client, watcher: ConsoleWatcher): Promise<Invariant> {
  const name = `the ${watcher.centre} console saw its centre's whole feed after its first position, none twice`;
  if (watcher.first === undefined) return { name, ok: false, detail: 'it never got a snapshot' };
  const { rows } = await client.query<{ position: string }>(
    'SELECT position FROM dispatch.console_feed WHERE command_center_id = $1 AND position > $2 ORDER BY position',
    [watcher.centre, watcher.first],
  );
  const expected = rows.map((r) => Number(r.position));
  const seen = watcher.positions;
  const seenSet = new Set(seen);
  const expectedSet = new Set(expected);
  const missed = expected.filter((p) => !seenSet.has(p));
  const repeated = seen.filter((p, i) => seen.indexOf(p) !== i);
  const foreign = seen.filter((p) => !expectedSet.has(p));
  const outOfOrder = seen.filter((p, i) => i > 0 && p <= seen[i - 1]!).length;
  return {
    name,
    ok: expected.length > 0 && missed.length === 0 && repeated.length === 0 && foreign.length === 0 && outOfOrder === 0,
    detail: `from position ${watcher.first}: ${expected.length} in the feed, ${seen.length} seen over ${watcher.reconnects} reconnects; missed ${list(missed)}, twice ${list(repeated)}, not in its feed ${list(foreign)}, out of order ${outOfOrder}`,
  };
}

/** A list short enough to read in a test log: its size and its first few. */
function list(items: readonly (string | number)[]): string {
  return items.length === 0 ? 'none' : `${items.length} (${items.slice(0, 5).join(', ')}${items.length > 5 ? ', …' : ''})`;
}
