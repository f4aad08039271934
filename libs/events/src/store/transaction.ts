import type { Pool, PoolClient } from 'pg';
import { checkOut } from './checkout.js';

/**
 * Runs `work` in a transaction on a client of its own: committed when it returns, rolled back
 * when it throws (the error goes on), and the client back in the pool either way, or discarded
 * when its connection failed. `begin` names another opening, such as a read-only snapshot.
 */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const { client, release } = await checkOut(pool);
  let clean = true;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    clean = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw error;
  } finally {
    release(!clean);
  }
}
