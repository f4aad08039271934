import { KEYRING_SCHEMA, newId, type Keyring, type PgEventStore } from '@rapid-search/events';
import type { Logger } from 'pino';
import { erasePersonalData } from '../erasure.js';
import type { CommandActor } from '../domain/commands.js';
import { repeatEvery } from './repeat.js';

const RETENTION: CommandActor = { id: 'retention', role: 'system', grants: [] };
const DAY_MS = 86_400_000;
/** Cases taken per sweep, so one sweep after a long stop does not hold the instance for long. */
const BATCH = 100;

/**
 * How often the sweep looks: a case falls due at most this late. Twice per period, so a short
 * period (a test's) is not overshot by much, and at most a minute apart, since a sweep is a query.
 */
export function sweepEveryMs(retentionDays: number): number {
  return Math.min(60_000, Math.max(1000, (retentionDays * DAY_MS) / 2));
}

/**
 * Cases closed longer ago than the period whose personal data is not erased yet; and erasures on
 * record whose key was not destroyed (the service stopped between the two), finished first.
 */
async function due(store: PgEventStore, retentionDays: number): Promise<{ pending: string[]; expired: string[] }> {
  const { rows: pending } = await store.pool.query<{ case_id: string }>(
    `SELECT e.case_id FROM ledger.events e
      WHERE e.type = 'PersonalDataErased'
        AND NOT EXISTS (SELECT 1 FROM ${KEYRING_SCHEMA}.data_keys k WHERE k.subject = e.case_id AND k.erased_at IS NOT NULL)
      LIMIT $1`,
    [BATCH],
  );
  const { rows: expired } = await store.pool.query<{ case_id: string }>(
    `SELECT c.case_id FROM ledger.events c
      WHERE c.type IN ('CaseSolved', 'ReportWithdrawn') AND c.case_id IS NOT NULL
        AND coalesce(c.data->>'solvedAt', c.data->>'withdrawnAt')::timestamptz < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM ledger.events e WHERE e.case_id = c.case_id AND e.type = 'PersonalDataErased')
      GROUP BY c.case_id ORDER BY min(c.position) LIMIT $2`,
    [(retentionDays * DAY_MS) / 1000, BATCH],
  );
  return { pending: pending.map((r) => r.case_id), expired: expired.map((r) => r.case_id) };
}

/**
 * Erases, the same way an officer's request does, every case whose retention period after closure
 * has run out. It runs as a singleton; what is due is read from the tables, so a sweep missed by a
 * crash is made by the next one, on whichever instance then holds it.
 */
export function startRetention(options: { store: PgEventStore; keyring: Keyring; retentionDays: number; logger: Logger }): {
  stop(): Promise<void>;
} {
  const { store, keyring, retentionDays, logger } = options;
  const sweep = async (running: () => boolean): Promise<void> => {
    const { pending, expired } = await due(store, retentionDays);
    for (const caseId of pending) {
      await keyring.erase(caseId);
      logger.info({ caseId }, 'personal data erasure finished: its key is destroyed');
    }
    for (const caseId of expired) {
      if (!running()) return;
      const command = { kind: 'ErasePersonalData', why: 'retention', caseId, actor: RETENTION, at: new Date().toISOString() } as const;
      try {
        await erasePersonalData(store, keyring, command, { correlationId: newId(), causationId: null });
        logger.info({ caseId }, 'personal data erased: the retention period after closure ran out');
      } catch (error) {
        logger.warn({ err: error, caseId }, 'personal data erasure on retention failed; retrying next sweep');
      }
    }
  };
  return repeatEvery(sweepEveryMs(retentionDays), sweep, (error) => logger.error({ err: error }, 'retention sweep failed; retrying next sweep'));
}
