import pg from 'pg';
import type { DomainEvent } from '../catalog/index.js';
import { newId } from '../ids.js';
import { createLogger } from '../logger.js';
import { createTestDatabase, publishedEnvelope, type TestDatabase } from '../testing/index.js';
import { PgEventStore, type NewEvent, type StoredEvent } from './event-store.js';
import { migrate } from './migrations.js';
import { eventStoreMigrations } from './schema.js';
import { storeCheckpoint, type CheckpointWrite } from './subscription.js';
import { inTransaction } from './transaction.js';

export const quiet = createLogger('test', 'silent');

export function closed(caseId: string, n = 0): DomainEvent {
  return {
    type: 'AlertClosed',
    data: { caseId, alertId: `alert-${caseId}`, reason: `step ${n}`, closedAt: new Date().toISOString() },
  };
}

/** An AlertClosed event as the relay publishes it: the envelope, serialisable as a Kafka value. */
export function closedEnvelope(caseId: string, reason = 'closed', eventId = newId()) {
  const event = closed(caseId);
  return publishedEnvelope({ type: event.type, data: { ...event.data, reason } }, caseId, { eventId, streamId: `alert-${caseId}` });
}

export function newEvent(caseId: string, n = 0, eventId?: string): NewEvent {
  return {
    event: closed(caseId, n),
    caseId,
    metadata: { actor: { id: 'tester', role: 'system' }, correlationId: caseId, causationId: null },
    ...(eventId ? { eventId } : {}),
  };
}

/** A migrated store in a throw-away database on the real Postgres. */
export async function storeFixture(label: string): Promise<{ db: TestDatabase; pool: pg.Pool; store: PgEventStore; close(): Promise<void> }> {
  const db = await createTestDatabase(label);
  const pool = new pg.Pool({ connectionString: db.url, max: 30 });
  // As the services' pools do: an idle session ended under it (the fault tests end them) is dropped, not thrown.
  pool.on('error', () => undefined);
  await migrate(pool, 'alert', eventStoreMigrations('alert'));
  const store = new PgEventStore(pool, 'alert');
  return {
    db,
    pool,
    store,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/** A subscription's `write` that applies `effect` in a transaction that also stores the checkpoint. */
export function transactional(
  pool: pg.Pool,
  effect: (events: StoredEvent[], tx: pg.PoolClient) => Promise<void>,
): (events: StoredEvent[], checkpoint: CheckpointWrite) => Promise<void> {
  return (events, checkpoint) =>
    inTransaction(pool, async (tx) => {
      await effect(events, tx);
      await tx.query(storeCheckpoint(checkpoint.table, '$1', '$2'), [checkpoint.name, checkpoint.position]);
    });
}
