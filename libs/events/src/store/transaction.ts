import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on a client of its own: committed when it returns, rolled back
 * when it throws (the error goes on), and the client back in the pool either way. `begin` names
 * another opening, such as a read-only snapshot.
 */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
