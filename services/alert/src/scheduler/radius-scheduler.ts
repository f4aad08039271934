import { deriveId, handleCommand, inTransaction, type Clock, type PgEventStore } from '@rapid-search/events';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { alertDecider, alertStream, drillMark } from '../domain/alert.js';
import { dueAlerts, type AlertRow } from '../db/alert-reads.js';
import { saveState } from '../db/alert-state.js';

export interface RadiusScheduler {
  stop(): Promise<void>;
}

const ACTOR = { id: 'alert-radius-scheduler', role: 'system' } as const;
const BATCH = 200;

/**
 * Widens public releases when they fall due. What is due is read from the alerts' rows
 * (next_widening_at), which are kept with every append, so a restarted service picks up exactly
 * where the last one stopped. Each alert's stream is read and widened at the version read, and
 * event ids derive from (alert, radius): two schedulers never widen twice.
 */
export function startRadiusScheduler(options: {
  pool: Pool;
  store: PgEventStore;
  clock: Clock;
  intervalMs: number;
  logger: Logger;
}): RadiusScheduler {
  const { pool, store, clock, logger } = options;

  /** Widens one alert in its own transaction, so one that fails cannot hold back the others. */
  const widen = ({ alert_id: alertId, case_id: caseId, exercise }: AlertRow, now: Date): Promise<boolean> =>
    inTransaction(pool, async (tx) => {
      const { events, state: widened } = await handleCommand(
        store,
        alertDecider(alertId),
        { kind: 'Widen', now },
        {
          streamId: alertStream(alertId),
          tx,
          caseId: () => caseId,
          eventId: (event) => deriveId(alertId, 'public-release-radius', String((event.data as { toKm: number }).toKm)),
          metadata: { actor: ACTOR, correlationId: caseId, causationId: null, ...drillMark(exercise) },
          occurredAt: now,
        },
      );
      if (events.length > 0) await saveState(tx, widened);
      return events.length > 0;
    });

  /** Appends every widening due by the clock's now. */
  const tick = async (): Promise<void> => {
    const now = clock.now();
    let widened = 0;
    for (const row of await dueAlerts(pool, now, BATCH)) {
      try {
        if (await widen(row, now)) widened += 1;
      } catch (error) {
        logger.error({ err: error, alertId: row.alert_id }, 'widening failed; retrying next interval');
      }
    }
    if (widened > 0) logger.info({ widened }, 'public-release radii widened');
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const loop = (): void => {
    running = tick()
      .catch((error: unknown) => logger.error({ err: error }, 'radius scheduler tick failed; retrying next interval'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.intervalMs);
      });
  };
  loop();

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
