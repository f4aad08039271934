import type { StoredEvent } from '@rapid-search/events';
import type { Delivery } from '../projections/task-projection.js';
import { differsByCenter, eventMessage } from '../projections/console-reads.js';
import { CLOSE_RESUME_REQUIRED, type ConsoleConnection } from './console-connection.js';
import { textFrame } from './frame.js';

/** Sockets written per turn of the event loop. */
const SLICE = 64;

/** A batch's events for one center: their positions, their frames, and all frames in one buffer. */
export interface CenterBatch {
  positions: number[];
  frames: Buffer[];
  joined: Buffer;
}

/**
 * The fan-out: the projection hands each committed batch here once. Each event is opened (its
 * personal fields, sealed in the store, in clear for the consoles entitled to them) and
 * serialised and framed once; each center's share of the batch is joined once; each socket then
 * gets one write per batch. No database reads per socket.
 */
export class ConsoleHub {
  readonly #byCenter = new Map<string, Set<ConsoleConnection>>();
  #published = 0;
  #sending: Promise<void> = Promise.resolve();
  /** Deliveries handed over while a fan-out was under way: the next fan-out sends them all at once. */
  #waiting: Delivery[] = [];

  /** A socket that fails a write must not stop the fan-out to every other socket. */
  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly open: (events: StoredEvent[]) => Promise<StoredEvent[]>,
  ) {}

  add(connection: ConsoleConnection): void {
    const set = this.#byCenter.get(connection.centerId) ?? this.#byCenter.set(connection.centerId, new Set()).get(connection.centerId)!;
    set.add(connection);
  }

  remove(connection: ConsoleConnection): void {
    this.#byCenter.get(connection.centerId)?.delete(connection);
  }

  count(): number {
    let n = 0;
    for (const set of this.#byCenter.values()) n += set.size;
    return n;
  }

  /**
   * Batches can be handed over twice when a projection batch is retried; positions dedupe them.
   * Writes go out in slices with a turn of the event loop between them, so a large fan-out never
   * holds back the database replies of the consumer (whose transaction holds the store's write
   * lock until it commits). Batches are opened and reach every socket in order; those handed over
   * while one fans out wait and go out together, in one write per socket, so a fan-out that falls
   * behind makes fewer, larger writes instead of falling further behind. A batch that cannot
   * be opened cuts its centers' consoles off: they resume from the last position they have.
   */
  publish(deliveries: Delivery[]): void {
    const watched = deliveries.filter((d) => d.centers.some((c) => this.#byCenter.get(c)?.size));
    if (watched.length === 0) return;
    const queued = this.#waiting.length > 0;
    this.#waiting.push(...watched);
    if (queued) return;
    this.#sending = this.#sending.then(async () => {
      const pending = this.#waiting;
      this.#waiting = [];
      let opened: Delivery[];
      try {
        const events = await this.open(pending.map((d) => d.stored));
        opened = pending.map((d, i) => ({ ...d, stored: events[i]! }));
      } catch (error) {
        this.onError(error);
        for (const center of new Set(pending.flatMap((d) => d.centers))) for (const c of this.#byCenter.get(center) ?? []) c.cutOff();
        return;
      }
      const writes: (() => void)[] = [];
      for (const [center, batch] of this.#frame(opened)) {
        for (const connection of this.#byCenter.get(center) ?? []) writes.push(() => connection.deliver(batch));
      }
      for (let i = 0; i < writes.length; i += SLICE) {
        if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        for (const write of writes.slice(i, i + SLICE)) {
          try {
            write();
          } catch (error) {
            this.onError(error);
          }
        }
      }
    });
  }

  #frame(deliveries: Delivery[]): Map<string, CenterBatch> {
    const byCenter = new Map<string, { positions: number[]; frames: Buffer[] }>();
    for (const { stored, centers } of deliveries) {
      if (stored.position <= this.#published) continue;
      this.#published = stored.position;
      let frame: Buffer | undefined;
      const own = differsByCenter(stored);
      for (const center of centers) {
        if (!this.#byCenter.get(center)?.size) continue;
        frame = own || !frame ? textFrame(Buffer.from(eventMessage(stored, center))) : frame;
        const batch = byCenter.get(center) ?? byCenter.set(center, { positions: [], frames: [] }).get(center)!;
        batch.positions.push(stored.position);
        batch.frames.push(frame);
      }
    }
    return new Map(
      [...byCenter].map(([center, { positions, frames }]) => [
        center,
        { positions, frames, joined: frames.length === 1 ? frames[0]! : Buffer.concat(frames) },
      ]),
    );
  }

  /** On shutdown: the same close code as a cut-off slow console, so a console has one rule: reconnect and resume. */
  closeAll(): void {
    for (const set of this.#byCenter.values())
      for (const c of set) c.socket.close(CLOSE_RESUME_REQUIRED, 'server shutting down: reconnect and resume');
  }
}
