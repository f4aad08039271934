import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { CheckpointSigner } from '../checkpoints/signing.js';
import { checkpointLag, takeCheckpoint } from '../checkpoints/store.js';
import { repeatEvery } from './repeat.js';

/** How often the schedule looks at the head: a checkpoint falls due at most this late. */
const POLL_MS = 1000;

export interface CheckpointSchedule {
  everyEntries: number;
  everyMinutes: number;
}

/** Whether the head is due a checkpoint: N entries past the last one, or M minutes and at least one entry. */
export function checkpointDue(
  lag: { headSeq: number; last: { seq: number; signedAt: string } | null },
  since: Date,
  now: Date,
  schedule: CheckpointSchedule,
): boolean {
  const lastSeq = lag.last?.seq ?? 0;
  if (lag.headSeq <= lastSeq) return false;
  if (lag.headSeq - lastSeq >= schedule.everyEntries) return true;
  const from = lag.last === null ? since : new Date(lag.last.signedAt);
  return now.getTime() - from.getTime() >= schedule.everyMinutes * 60_000;
}

/**
 * Signs the head on schedule. It runs as a singleton, so two instances never sign the same lag
 * twice; a checkpoint missed by a crash is made on the next poll, since what is due is read from
 * the tables.
 */
export function startCheckpointer(options: { pool: Pool; signer: CheckpointSigner; schedule: CheckpointSchedule; logger: Logger }): {
  stop(): Promise<void>;
} {
  const { pool, signer, schedule, logger } = options;
  const since = new Date();
  return repeatEvery(
    POLL_MS,
    async () => {
      if (!checkpointDue(await checkpointLag(pool), since, new Date(), schedule)) return;
      const checkpoint = await takeCheckpoint(pool, signer, { by: 'schedule' });
      if (checkpoint) logger.info({ seq: checkpoint.seq, keyId: checkpoint.keyId }, 'ledger checkpoint signed');
    },
    (error) => logger.error({ err: error }, 'ledger checkpoint failed; retrying next poll'),
  );
}
