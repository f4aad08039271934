import type { Pool, PoolClient } from 'pg';

export interface CheckedOut {
  client: PoolClient;
  /** Back to the pool, or discarded when it failed or `discard` says its state is unknown. */
  release(discard?: boolean): void;
}

/**
 * A pooled client held outside `pool.query`. While it is checked out pg-pool listens to it no
 * more, and a client whose backend is terminated emits `'error'`: with no listener that error
 * ends the process. The listener here keeps it as the reason to discard the client; the query in
 * flight rejects on its own. A discarded client keeps the listener, as a late error may follow.
 */
export async function checkOut(pool: Pool): Promise<CheckedOut> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error): void => {
    lost = error;
  };
  client.on('error', onError);
  return {
    client,
    release: (discard = false) => {
      if (lost ?? discard) return client.release(lost ?? true);
      client.off('error', onError);
      client.release();
    },
  };
}
