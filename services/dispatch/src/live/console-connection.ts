import { WebSocket } from 'ws';
import type { CenterBatch } from './console-hub.js';

/** Tells the console its buffer overflowed: reconnect and resume from the last position it has. */
export const CLOSE_RESUME_REQUIRED = 4008;
const MAX_PENDING = 10_000;
const CLOSE_GRACE_MS = 2000;

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

  /** Runs a replay (snapshot or resume), holding live events back until it is sent. */
  replay(read: () => Promise<{ position: number; messages: string[] }>, from?: number): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#closed) return;
      this.#pending = [];
      try {
        const { position, messages } = await read();
        if (from !== undefined) this.#cursor = from;
        for (const message of messages) if (!this.#send(message)) return;
        this.#cursor = Math.max(this.#cursor, position);
        const held = this.#pending ?? [];
        this.#pending = null;
        for (const e of held) if (e.position > this.#cursor && !this.#write(e.frame, e.position)) return;
      } finally {
        this.#pending = null;
      }
    };
    const next = this.#queue.then(run);
    this.#queue = next.catch(() => undefined);
    return next;
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
