import { encodeEvent, newId, itemError, refusedByPostgres, type DomainEvent, type EventMetadata } from '@rapid-search/events';
import type { Pool } from 'pg';

/** One report to record, as `accept_reports` takes it (see migrations.ts). */
export interface AcceptItem {
  upstreamSystemId: string;
  idempotencyKey: string;
  requestHash: string;
  duplicateKey: string;
  lastSeenAt: string;
  windowHours: number;
  open: { append: AppendItem; alert: Record<string, unknown>; answer: AlertAnswer };
  link: StoredEventInput;
}

export interface AlertAnswer {
  alertId: string;
  caseId: string;
  status: 'open' | 'closed';
  duplicateOf?: string;
}

export type AcceptOutcome =
  | { outcome: 'opened' | 'linked' | 'replayed'; status: number; answer: AlertAnswer }
  | { outcome: 'key-reused' };

interface AppendItem {
  streamId: string;
  expected: 'no-stream';
  events: StoredEventInput[];
}

interface StoredEventInput {
  eventId: string;
  type: string;
  version: number;
  caseId: string;
  data: unknown;
  metadata: EventMetadata;
  occurredAt: string;
}

/** Validates an event through the catalog and shapes it as the store's `append_events` takes it. */
export function storedEventInput(event: DomainEvent, caseId: string, metadata: EventMetadata, occurredAt: Date): StoredEventInput {
  const encoded = encodeEvent(event);
  return { eventId: newId(), ...encoded, caseId, metadata, occurredAt: occurredAt.toISOString() };
}

export function openStream(streamId: string, events: StoredEventInput[]): AppendItem {
  return { streamId, expected: 'no-stream', events };
}

/** The database's cost per report grows with the batch (jsonb handling); small batches stay cheapest. */
const MAX_BATCH = 32;
/** Before a failed batch's reports are tried again one by one. */
const RETRY_PAUSE_MS = 100;

/**
 * Group commit for reports: while a batch is in its transaction the next reports queue, and each
 * batch is one `accept_reports` call — one round trip and one commit for the idempotency records,
 * the events and the projection rows of every report in it. A report is answered only once its
 * batch committed.
 *
 * One batch at a time: every batch takes the store's write lock, so a second one in flight would
 * only wait for it, and would leave with the one or two reports that arrived meanwhile instead of
 * everything that queued.
 */
export class AcceptBatcher {
  #queue: { item: AcceptItem; resolve: (r: AcceptOutcome) => void; reject: (e: unknown) => void }[] = [];
  #flushing: Promise<void> | null = null;

  constructor(private readonly pool: Pool) {}

  submit(item: AcceptItem): Promise<AcceptOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Resolves once every report submitted so far is answered. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #accept(items: AcceptItem[]): Promise<AcceptOutcome[]> {
    const { rows } = await this.pool.query<{ r: AcceptOutcome[] }>('SELECT alert.accept_reports($1::jsonb) AS r', [JSON.stringify(items)]);
    return rows[0]!.r;
  }

  /** Runs until the queue is empty, and says so in the same step, so no report is left waiting. */
  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        try {
          const outcomes = await this.#accept(batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(outcomes[i]!));
        } catch (error) {
          if (batch.length === 1 && refusedByPostgres(error)) {
            batch[0]!.reject(itemError(error));
            continue;
          }
          // The call was one transaction and wrote nothing, or its session was lost (a terminated
          // backend, a failover) before or after the commit: each report again on its own, so one
          // that Postgres refuses fails alone, the others are taken, and one that did commit is
          // answered from its Idempotency-Key record. A lost session seldom goes alone: the pause
          // lets the pool hear of its idle sessions that ended with it, so the retry gets a live one.
          await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
          for (const p of batch) await this.#accept([p.item]).then((o) => p.resolve(o[0]!), (e: unknown) => p.reject(itemError(e)));
        }
      }
    } finally {
      this.#flushing = null;
    }
  }
}
