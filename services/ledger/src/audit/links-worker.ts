import { Worker } from 'node:worker_threads';
import type { CopyChunk } from '@rapid-search/events';
import type { ChainHead, LinksVerdict } from './chain-links.js';
import { STRETCH_WIDTH, type Stretch, type StretchChecked } from './stretch.js';

/** Stretches handed to the worker and not yet answered: bounds the bytes held for it. */
const MAX_IN_FLIGHT = 4;

/** Rows are handed to the worker this many bytes at a time: a message per network chunk costs more than the hashing. */
const STRETCH_BYTES = 1 << 20;

/** A stretch being filled: rows are copied in until the next chunk would not fit. */
interface Filling {
  bytes: Uint8Array<ArrayBuffer>;
  used: number;
  rows: number;
  fields: Int32Array<ArrayBuffer>;
  after: ChainHead;
}

/** The chain-worker thread, fed stretches in chain order; it answers them in the same order. */
export class LinksWorker {
  readonly #worker = new Worker(new URL('./chain-worker.js', import.meta.url));
  readonly #answers: LinksVerdict[] = [];
  readonly #waiting: (() => void)[] = [];
  #sent = 0;
  #failure: Error | null = null;
  #pending: Filling | null = null;
  readonly #spare: Pick<Filling, 'bytes' | 'fields'>[] = [];

  constructor() {
    this.#worker.on('message', ({ verdict, bytes, fields }: StretchChecked) => {
      this.#answers.push(verdict);
      this.#spare.push({ bytes: new Uint8Array(bytes), fields: new Int32Array(fields) });
      this.#waiting.shift()?.();
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the chain worker exited with code ${code}`)));
  }

  /** Copies the chunk's rows into the stretch being filled; hands it over once it is full. */
  async check({ buf, rows, fields }: CopyChunk, after: ChainHead): Promise<void> {
    const width = STRETCH_WIDTH * 2;
    const end = fields[(rows - 1) * width + 6]! + fields[(rows - 1) * width + 7]!;
    let pending = this.#pending;
    if (pending && (pending.used + end > pending.bytes.length || (pending.rows + rows) * width > pending.fields.length)) {
      await this.#send(pending);
      pending = null;
    }
    pending ??= this.#pending = { ...this.#buffers(end, rows * width), used: 0, rows: 0, after };
    pending.bytes.set(buf.subarray(0, end), pending.used);
    const base = pending.rows * width;
    for (let i = 0; i < rows * width; i += 2) {
      pending.fields[base + i] = fields[i]! + pending.used;
      pending.fields[base + i + 1] = fields[i + 1]!;
    }
    pending.used += end;
    pending.rows += rows;
  }

  /** Buffers a worker handed back, if they are big enough for this chunk; else new ones. */
  #buffers(bytes: number, fields: number): Pick<Filling, 'bytes' | 'fields'> {
    const spare = this.#spare.pop();
    if (spare && spare.bytes.length >= bytes && spare.fields.length >= fields) return spare;
    return { bytes: new Uint8Array(Math.max(STRETCH_BYTES, bytes)), fields: new Int32Array(Math.max(STRETCH_BYTES >> 6, fields)) };
  }

  async verdicts(): Promise<LinksVerdict[]> {
    if (this.#pending) await this.#send(this.#pending);
    while (this.#answers.length < this.#sent) await this.#next();
    return this.#answers;
  }

  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }

  async #send({ bytes, used, rows, fields, after }: Filling): Promise<void> {
    this.#pending = null;
    while (this.#sent - this.#answers.length >= MAX_IN_FLIGHT) await this.#next();
    const stretch: Stretch = { bytes: bytes.subarray(0, used), rows, fields, after };
    this.#worker.postMessage(stretch, [bytes.buffer, fields.buffer]);
    this.#sent++;
  }

  #next(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.push(() => (this.#failure ? reject(this.#failure) : resolve()));
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const wake of this.#waiting.splice(0)) wake();
  }
}
