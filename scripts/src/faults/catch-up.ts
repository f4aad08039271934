import pg from 'pg';
import type { ConsoleWatcher } from './consoles.js';

/**
 * Waits until the system has done everything the run asked of it: dispatch planned and the
 * ledger filed every acknowledged case, the ledger chained every event of the three stores, the
 * stores stopped growing, and every console saw its centre's feed to its end. Resolves how long
 * that took, or undefined if it did not happen within `timeoutMs` (the invariants then say what
 * is missing).
 */
export async function awaitCatchUp(
  databaseUrl: string,
  caseIds: string[],
  consoles: ConsoleWatcher[],
  timeoutMs: number,
): Promise<number | undefined> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let previous = -1;
    for (;;) {
      const { rows } = await client.query<{ stored: string; chained: string; planned: string; filed: string }>(
        `SELECT (SELECT count(*) FROM alert.events) + (SELECT count(*) FROM dispatch.events) + (SELECT count(*) FROM ledger.events) AS stored,
                (SELECT count(*) FROM ledger.entries) AS chained,
                (SELECT count(DISTINCT case_id) FROM dispatch.events WHERE type = 'DnaSamplingTaskAssigned' AND case_id = ANY($1)) AS planned,
                (SELECT count(DISTINCT case_id) FROM ledger.events WHERE type = 'CaseFileOpened' AND case_id = ANY($1)) AS filed`,
        [caseIds],
      );
      const { stored, chained, planned, filed } = rows[0]!;
      const done = stored === chained && stored === String(previous) && Number(planned) === caseIds.length && Number(filed) === caseIds.length;
      if (done && (await consolesAtEnd(client, consoles))) return performance.now() - started;
      if (performance.now() - started > timeoutMs) return undefined;
      previous = Number(stored);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await client.end();
  }
}

async function consolesAtEnd(client: pg.Client, consoles: ConsoleWatcher[]): Promise<boolean> {
  const { rows } = await client.query<{ centre: string; last: string }>(
    'SELECT command_center_id AS centre, max(position) AS last FROM dispatch.console_feed WHERE command_center_id = ANY($1) GROUP BY 1',
    [consoles.map((c) => c.centre)],
  );
  const ends = new Map(rows.map((r) => [r.centre, Number(r.last)]));
  return consoles.every((c) => (c.last() ?? -1) >= (ends.get(c.centre) ?? 0));
}
