import { WebSocket } from 'ws';
import type { CenterBatch } from './console-hub.js';

/** Tells the console its buffer overflowed: reconnect and resume from the last position it has. */
export const CLOSE_RESUME_REQUIRED = 4008;
/** Tells a client it sent more messages than a console does: it is cut off. */
export const CLOSE_TOO_MANY_MESSAGES = 4029;
const MAX_PENDING = 10_000;
const CLOSE_GRACE_MS = 2000;
const DRAIN_POLL_MS = 20;

/** Where a resume reads from: the head it may ask up to, and the events after a position, a page at a time. */
export interface ReplayFeed {
  pageSize: number;
  head(): Promise<number>;
  page(after: number, upTo: number): Promise<{ messages: string[]; last: number }>;
}

interface RawSocket {
  write(chunk: Buffer): boolean;
}

/**
 * One console socket. Its cursor is the last position it was sent; live events at or below the
 * cursor are dropped, so replay and live never overlap. While a snapshot or resume is being read,
 * live events wait in a bounded list and follow the replay in order. Live events are written as
 * ready-made frames straight to the TCP socket; that keeps their order with the library's own
 * sends because, without compression, the library writes synchronously too.
 */
export class ConsoleConnection {
  #cursor = 0;
  #pending: { position: number; frame: Buffer }[] | null = null;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #replaying = false;

  constructor(
    readonly centerId: string,
    readonly socket: WebSocket,
    private readonly bufferLimit: number,
    private readonly onClosed: (connection: ConsoleConnection) => void,
  ) {
    socket.on('close', () => this.#close());
  }

  /** A batch of live events for this console's center. */
  deliver(batch: CenterBatch): void {
    if (this.#closed) return;
    const { positions, frames } = batch;
    if (this.#pending) {
      if (this.#pending.length + positions.length > MAX_PENDING) return this.cutOff();
      positions.forEach((position, i) => this.#pending!.push({ position, frame: frames[i]! }));
      return;
    }
    if (positions[0]! > this.#cursor) {
      this.#write(batch.joined, positions[positions.length - 1]!);
      return;
    }
    positions.forEach((position, i) => {
      if (position > this.#cursor) this.#write(frames[i]!, position);
    });
  }

  /** True while a snapshot or a resume is being sent: a console has at most one in flight. */
  get replaying(): boolean {
    return this.#replaying;
  }

  /** Sends the snapshot, holding live events back until it is sent. */
  snapshot(read: () => Promise<{ position: number; message: string }>): Promise<void> {
    return this.#run(async () => {
      const { position, message } = await read();
      if (!this.#send(message)) return false;
      this.#cursor = Math.max(this.#cursor, position);
      return true;
    });
  }

  /**
   * Replays exactly the events after `from`, up to the head read when the resume starts, page by
   * page: a page goes out only once the socket has drained below half its bound, so a replay of
   * any length holds one page in memory and never trips the bound a live console lives under.
   * A resume past the head is refused with the head, and the cursor stays where it was.
   */
  resume(from: number, feed: ReplayFeed): Promise<{ pastHead: number } | null> {
    let refused: { pastHead: number } | null = null;
    return this.#run(async () => {
      const head = await feed.head();
      if (from > head) {
        refused = { pastHead: head };
        return true;
      }
      this.#cursor = from;
      for (let after = from; ;) {
        const page = await feed.page(after, head);
        for (const message of page.messages) if (!this.#send(message)) return false;
        if (page.messages.length < feed.pageSize) break;
        after = page.last;
        if (!(await this.#drained())) return false;
      }
      this.#cursor = Math.max(this.#cursor, head);
      return true;
    }).then(() => refused);
  }

  /** Holds live events back while `send` runs, then sends those past the cursor; false stops. */
  #run(send: () => Promise<boolean>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#closed) return;
      this.#pending = [];
      this.#replaying = true;
      try {
        if (!(await send())) return;
        const held = this.#pending ?? [];
        this.#pending = null;
        for (const e of held) if (e.position > this.#cursor && !this.#write(e.frame, e.position)) return;
      } finally {
        this.#pending = null;
        this.#replaying = false;
      }
    };
    const next = this.#queue.then(run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #drained(): Promise<boolean> {
    while (!this.#closed && this.socket.bufferedAmount > this.bufferLimit / 2) await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    return !this.#closed;
  }

  /** A reply that is not part of the event stream (results, errors). */
  reply(body: unknown): void {
    this.#send(JSON.stringify(body));
  }

  cutOff(): void {
    if (this.#closed) return;
    this.socket.close(CLOSE_RESUME_REQUIRED, 'resume required');
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
    this.#close();
  }

  #roomLeft(): boolean {
    if (this.#closed || this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.socket.bufferedAmount <= this.bufferLimit) return true;
    this.cutOff();
    return false;
  }

  #send(message: string): boolean {
    if (!this.#roomLeft()) return false;
    this.socket.send(message);
    return true;
  }

  #write(frame: Buffer, position: number): boolean {
    if (!this.#roomLeft()) return false;
    (this.socket as unknown as { _socket: RawSocket })._socket.write(frame);
    this.#cursor = position;
    return true;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = null;
    this.onClosed(this);
  }
}
