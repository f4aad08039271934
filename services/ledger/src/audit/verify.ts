import { Worker } from 'node:worker_threads';
import type { Pool } from 'pg';
import { copyBinaryRows, int8At, uuidAt, type CopyChunk } from '@rapid-search/events';
import { CaseRules, isCaseEntry } from './case-rules.js';
import { GENESIS_HASH } from './canonical.js';
import { HASH_HEX, type ChainHead, type LinksVerdict } from './chain-links.js';
import { STRETCH_WIDTH, type Stretch } from './stretch.js';
import { reportOf } from './verifier.js';
import type { VerifyReport } from './violations.js';

/** Stretches handed to the worker and not yet answered: bounds the bytes held for it. */
const MAX_IN_FLIGHT = 4;

/**
 * Verifies the whole ledger from the database: what the HTTP endpoint, the CLI and the bench run.
 * One binary COPY streams the entries in one snapshot, each row carrying the very bytes its hash
 * covers (Postgres joins prev_hash and the entry). The main thread replays the cases while a worker
 * thread checks the links of the same rows, stretch by stretch; the report joins the two.
 */
export async function verifyLedger(pool: Pool): Promise<VerifyReport> {
  const rules = new CaseRules();
  const links = new LinksWorker();
  try {
    const client = await pool.connect();
    let complete = false;
    try {
      let after: ChainHead = { seq: 0, hash: GENESIS_HASH };
      const sql = 'SELECT seq, event_id, hash, prev_hash || entry FROM ledger.entries ORDER BY seq';
      for await (const chunk of copyBinaryRows(client, sql, STRETCH_WIDTH)) {
        await links.check(chunk, after);
        after = replay(chunk, rules);
      }
      complete = true;
    } finally {
      client.release(!complete);
    }
    return reportOf(await links.verdicts(), rules);
  } finally {
    await links.close();
  }
}

/** Replays a chunk's case events; returns its last entry, the one the next stretch follows. */
function replay({ buf, rows, fields: f }: CopyChunk, rules: CaseRules): ChainHead {
  for (let r = 0, o = 0; r < rows; r++, o += STRETCH_WIDTH * 2) {
    const start = f[o + 6]!;
    const end = start + f[o + 7]!;
    if (!isCaseEntry(buf, start + HASH_HEX, end)) continue;
    const idAt = f[o + 2]!;
    rules.apply(int8At(buf, f[o]!), buf.toString('utf8', start + HASH_HEX, end), () => uuidAt(buf, idAt));
  }
  const last = (rows - 1) * STRETCH_WIDTH * 2;
  return { seq: int8At(buf, f[last]!), hash: buf.toString('latin1', f[last + 4]!, f[last + 4]! + f[last + 5]!) };
}

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
class LinksWorker {
  readonly #worker = new Worker(new URL('./chain-worker.js', import.meta.url));
  readonly #answers: LinksVerdict[] = [];
  readonly #waiting: (() => void)[] = [];
  #sent = 0;
  #failure: Error | null = null;
  #pending: Filling | null = null;

  constructor() {
    this.#worker.on('message', (verdict: LinksVerdict) => {
      this.#answers.push(verdict);
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
    pending ??= this.#pending = {
      bytes: new Uint8Array(Math.max(STRETCH_BYTES, end)),
      used: 0,
      rows: 0,
      fields: new Int32Array(Math.max(STRETCH_BYTES >> 6, rows * width)),
      after,
    };
    pending.bytes.set(buf.subarray(0, end), pending.used);
    const base = pending.rows * width;
    for (let i = 0; i < rows * width; i += 2) {
      pending.fields[base + i] = fields[i]! + pending.used;
      pending.fields[base + i + 1] = fields[i + 1]!;
    }
    pending.used += end;
    pending.rows += rows;
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
