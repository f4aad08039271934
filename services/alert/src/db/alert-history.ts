import { decodeStored, type PgEventStore } from '@rapid-search/events';
import type { AlertHistoryEvent } from '../domain/cap/message.js';
import { alertStream } from '../domain/alert.js';

/** An alert's stream as the CAP builder reads it: each event with its time and drill marker. */
export async function readAlertHistory(store: PgEventStore, alertId: string): Promise<AlertHistoryEvent[]> {
  const history: AlertHistoryEvent[] = [];
  for (const stored of await store.readStream(alertStream(alertId))) {
    const decoded = decodeStored(stored);
    if ('error' in decoded) throw new Error(`alert ${alertId}: event ${stored.eventId} does not decode: ${decoded.error}`);
    history.push({ ...decoded.event, occurredAt: decoded.occurredAt, ...(decoded.metadata.exercise ? { exercise: true } : {}) });
  }
  return history;
}
