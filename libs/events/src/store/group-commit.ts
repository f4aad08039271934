import { sleep } from '../backoff.js';
import type { AlongsideRow, BatchItem } from './alongside.js';
import { itemError, refusedByPostgres, sessionLost } from './refusals.js';

/** What `append_events` answers for one item of a batch. */
export interface ItemResult {
  status: 'ok' | 'duplicate' | 'conflict' | 'partial-duplicate';
  positions: number[];
  version: number;
}

/** An append waiting for its batch. */
export interface Pending {
  item: BatchItem;
  alongside: readonly AlongsideRow[] | undefined;
  resolve: (r: ItemResult) => void;
  reject: (e: unknown) => void;
}

const MAX_ITEMS = 256;
/** Past this many events a batch takes no further item: one call holds the write lock for so long at most. */
const MAX_EVENTS = 1000;
/** Batches sent at once, the second only behind a long one. */
const IN_FLIGHT = 2;
/** A batch of this many events holds the lock long enough that a second may wait behind it. */
const LONG_BATCH_EVENTS = 250;
/** Before a failed batch's appends are tried again one by one. */
const RETRY_PAUSE_MS = 100;
/** Tries of one append whose sessions keep turning out dead, as after every session was ended at once. */
const LOST_SESSION_ATTEMPTS = 4;

/**
 * Group commit: appends that arrive while a batch is in flight queue, and each batch is one
 * `append_events` call, its own transaction, each item in it still answered on its own. While a
 * long batch is in flight, a second goes at once on another session: it waits at the schema's
 * write lock while the first commits, so the lock is not idle for a round trip, and the appends
 * made meanwhile are encoded while Postgres writes. Short batches go one at a time, so that small
 * appends keep sharing calls, which is what spares their cost. Positions stay in commit order, as
 * they are between two processes. A stream's appends keep their order: one whose stream is in
 * flight waits for a later batch, and so does every later append to that stream.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  #inFlight = 0;
  /** Long batches in flight. */
  #long = 0;
  /** The streams of the batches in flight. */
  readonly #busy = new Set<string>();
  #scheduled = false;

  constructor(private readonly send: (batch: readonly Pending[]) => Promise<ItemResult[]>) {}

  submit(item: BatchItem, alongside: readonly AlongsideRow[] | undefined): Promise<ItemResult> {
    return new Promise<ItemResult>((resolve, reject) => {
      this.#queue.push({ item, alongside, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // Appends made in one go (a consumer opening a task per hub) share the first batch, not the second.
      queueMicrotask(() => {
        this.#scheduled = false;
        this.#pump();
      });
    });
  }

  #pump(): void {
    while (this.#inFlight === 0 || (this.#inFlight < IN_FLIGHT && this.#long > 0)) {
      const { batch, events } = this.#take();
      if (batch.length === 0) return;
      const long = events >= LONG_BATCH_EVENTS;
      this.#inFlight++;
      if (long) this.#long++;
      for (const p of batch) this.#busy.add(p.item.streamId);
      void this.#commit(batch).finally(() => {
        for (const p of batch) this.#busy.delete(p.item.streamId);
        this.#inFlight--;
        if (long) this.#long--;
        this.#pump();
      });
    }
  }

  /** The oldest appends that may go now, in their order, up to the caps, and their events; the rest keep theirs. */
  #take(): { batch: Pending[]; events: number } {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const held = new Set<string>();
    let events = 0;
    for (const p of this.#queue) {
      const { streamId } = p.item;
      const waits = this.#busy.has(streamId) || held.has(streamId);
      const fits = batch.length === 0 || (batch.length < MAX_ITEMS && events + p.item.events.length <= MAX_EVENTS);
      if (waits || !fits) {
        held.add(streamId);
        rest.push(p);
        continue;
      }
      batch.push(p);
      events += p.item.events.length;
    }
    this.#queue = rest;
    return { batch, events };
  }

  async #commit(batch: readonly Pending[]): Promise<void> {
    try {
      const results = await this.send(batch);
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1 && refusedByPostgres(error)) return batch[0]!.reject(itemError(error));
      // The batch was one transaction and wrote nothing, or its session was lost before or after
      // the commit: each item again on its own, so one that Postgres refuses fails alone, the rest
      // commit, and one that had committed is answered from its event ids. A lost session seldom
      // goes alone: the pauses let the pool hear of the idle sessions that ended with it.
      if (!refusedByPostgres(error)) await sleep(RETRY_PAUSE_MS);
      for (const p of batch) await this.#alone(p);
    }
  }

  /** One append on its own; a session found dead is replaced, a few times, before the caller hears of it. */
  async #alone(p: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return p.resolve((await this.send([p]))[0]!);
      } catch (error) {
        if (!sessionLost(error) || attempt >= LOST_SESSION_ATTEMPTS) return p.reject(itemError(error));
        await sleep(RETRY_PAUSE_MS * attempt);
      }
    }
  }
}
