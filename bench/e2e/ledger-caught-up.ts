import type pg from 'pg';

/**
 * Waits until the ledger has chained every event the three stores hold, for up to `timeoutMs`.
 * The ledger trails the consoles (it yields the cores to the path to them), so the work an alert
 * causes is not all done when its last task reaches a console: CPU counted only until then would
 * leave out the ledger's backlog. Answers how long it took, or how many entries it still lacked.
 */
export async function ledgerCaughtUp(db: pg.Client, timeoutMs: number): Promise<{ seconds: number; behind: number }> {
  const started = performance.now();
  for (;;) {
    const { rows } = await db.query<{ behind: string }>(
      `SELECT (SELECT count(*) FROM alert.events) + (SELECT count(*) FROM dispatch.events) + (SELECT count(*) FROM ledger.events)
              - (SELECT count(*) FROM ledger.entries) AS behind`,
    );
    const behind = Number(rows[0]!.behind);
    const seconds = (performance.now() - started) / 1000;
    if (behind <= 0 || seconds * 1000 >= timeoutMs) return { seconds, behind };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
