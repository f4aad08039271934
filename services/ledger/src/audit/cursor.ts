import { checkOut } from '@rapid-search/events';
import type { Pool } from 'pg';

/**
 * Reads a query's rows in batches through a server-side cursor in a read-only, repeatable-read
 * transaction (one consistent snapshot), so a result of any size never sits in memory at once.
 * The next batch is requested before the current one is handed out, so Postgres reads while the
 * caller works. Stopping early (a client that hangs up) closes the cursor and frees the connection.
 */
export async function* cursorBatches(pool: Pool, sql: string, params: unknown[], batchSize: number): AsyncGenerator<unknown[][]> {
  const { client, release } = await checkOut(pool);
  let pending: Promise<{ rows: unknown[][] }> | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`DECLARE ledger_cursor NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = (): Promise<{ rows: unknown[][] }> => client.query<unknown[]>({ text: `FETCH ${batchSize} FROM ledger_cursor`, rowMode: 'array' });
    let next: Promise<{ rows: unknown[][] }> | undefined = fetch();
    while (next) {
      const rows: unknown[][] = (await next).rows;
      next = rows.length === batchSize ? fetch() : undefined;
      pending = next;
      if (rows.length > 0) yield rows;
    }
  } finally {
    await pending?.catch(() => undefined);
    const clean = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    release(!clean);
  }
}
