import type { PoolClient, Submittable } from 'pg';

/**
 * Whole rows of a `COPY … TO STDOUT (FORMAT binary)` result that arrived together. Field f of row r
 * starts at `fields[(r * width + f) * 2]` of `buf` and is `fields[… + 1]` bytes long (-1: NULL).
 * Binary COPY hands over text as its UTF-8 bytes, unescaped, and numbers as fixed-width integers, so
 * a reader can hash or compare stored bytes without decoding them into strings first.
 */
export interface CopyChunk {
  buf: Buffer;
  rows: number;
  width: number;
  fields: Int32Array;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;
const COPY_DATA = 0x64; // d
const COPY_DONE = 0x63; // c
const ERROR_RESPONSE = 0x45; // E

/** The parts of pg's Connection that a COPY reader takes over while the rows stream in. */
interface PgConnection {
  stream: NodeJS.ReadableStream & { listeners(event: 'data'): ((data: Buffer) => void)[] };
  query(text: string): void;
}

/**
 * Reads the protocol messages of a `COPY … TO STDOUT (FORMAT binary)` straight off the socket and
 * splits them into rows in place: the server sends each row as one CopyData message, so a row's
 * fields are indexed where they arrived, without copying them out of their message. Only a message
 * that straddles two socket reads is carried over and joined with the next. Everything from the
 * end of the COPY on (CommandComplete, ReadyForQuery, or an ErrorResponse) is handed back to pg.
 */
export class BinaryCopyReader {
  #carry: Buffer | null = null;
  #headerRead = false;
  #ended = false;
  #fields = new Int32Array(0);
  readonly #joinedFields: Int32Array;

  constructor(readonly width: number) {
    this.#joinedFields = new Int32Array(width * 2);
  }

  /** Whether the trailer has been read: the COPY sent every row. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * The whole rows of this socket read (a row completed from the last read comes first, by itself),
   * and what follows the COPY's last message when this read holds it (to be handed back to pg), or
   * null while the COPY goes on.
   */
  push(data: Buffer): { chunks: CopyChunk[]; rest: Buffer | null } {
    const chunks: CopyChunk[] = [];
    let from = 0;
    const carry = this.#carry;
    if (carry) {
      // The carried message's 5-byte head (code, length) may itself be cut.
      const head = carry.length >= 5 ? carry : Buffer.concat([carry, data.subarray(0, 5 - carry.length)]);
      const missing = head.length < 5 ? Infinity : 1 + head.readInt32BE(1) - carry.length;
      if (missing > data.length) {
        this.#carry = Buffer.concat([carry, data]);
        return { chunks, rest: null };
      }
      this.#carry = null;
      const joined = this.#scan(Buffer.concat([carry, data.subarray(0, missing)]), 0, this.#joinedFields);
      if (joined.chunk.rows > 0) chunks.push(joined.chunk);
      if (joined.rest) return { chunks, rest: Buffer.concat([joined.rest, data.subarray(missing)]) };
      from = missing;
    }
    const scanned = this.#scan(data, from, null);
    if (scanned.chunk.rows > 0) chunks.push(scanned.chunk);
    if (!scanned.rest && scanned.pos < data.length) this.#carry = data.subarray(scanned.pos);
    return { chunks, rest: scanned.rest };
  }

  /** Indexes the whole messages of buf from pos on, into the given offsets (or the growing ones). */
  #scan(buf: Buffer, pos: number, into: Int32Array | null): { chunk: CopyChunk; pos: number; rest: Buffer | null } {
    const width = this.width;
    let rows = 0;
    let rest: Buffer | null = null;
    while (pos + 5 <= buf.length) {
      const code = buf[pos]!;
      // pg parses an error from its first byte.
      if (code === ERROR_RESPONSE) {
        rest = buf.subarray(pos);
        break;
      }
      const end = pos + 1 + buf.readInt32BE(pos + 1);
      if (end > buf.length) break;
      if (code === COPY_DATA) {
        const slot = rows * width * 2;
        if (this.#row(buf, pos + 5, end, into ?? this.#reserve(slot + width * 2), slot)) rows++;
      }
      pos = end;
      if (code === COPY_DONE) {
        rest = buf.subarray(pos);
        break;
      }
    }
    return { chunk: { buf, rows, width, fields: into ?? this.#fields }, pos, rest };
  }

  /** Indexes one CopyData payload [at, end): the header, a row (true) or the trailer. */
  #row(buf: Buffer, at: number, end: number, fields: Int32Array, slot: number): boolean {
    if (!this.#headerRead) {
      if (!buf.subarray(at, at + SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      at += HEADER_BYTES + buf.readInt32BE(at + SIGNATURE.length + 4);
      this.#headerRead = true;
      if (at >= end) return false;
    }
    const count = buf.readInt16BE(at);
    if (count === -1) {
      this.#ended = true;
      return false;
    }
    if (count !== this.width) throw new Error(`a COPY row has ${count} fields, not ${this.width}`);
    let p = at + 2;
    for (let f = 0; f < this.width; f++) {
      const length = buf.readInt32BE(p);
      p += 4;
      fields[slot + f * 2] = p;
      fields[slot + f * 2 + 1] = length;
      if (length > 0) p += length;
    }
    if (p !== end) throw new Error('a COPY row does not fill its message');
    return true;
  }

  /** Grows the offsets array when a read holds more rows than any before; it is reused otherwise. */
  #reserve(slots: number): Int32Array {
    if (slots > this.#fields.length) {
      const grown = new Int32Array(Math.max(slots, this.#fields.length * 2, 1024));
      grown.set(this.#fields);
      this.#fields = grown;
    }
    return this.#fields;
  }
}

/**
 * A pg submittable that runs a binary COPY and hands its rows out on demand: the socket is read only
 * when the caller asks for more, so a slow caller holds the server back instead of filling memory.
 * It takes the socket over from pg's own listener for the length of the COPY, as pg-copy-streams
 * does with pg 8's Connection, and gives it back with whatever follows the COPY.
 */
class BinaryCopyOut {
  readonly #reader: BinaryCopyReader;
  #connection: PgConnection | null = null;
  #pgOnData: ((data: Buffer) => void) | null = null;
  readonly #ready: CopyChunk[] = [];
  #finished = false;
  #failure: Error | null = null;
  #wake: (() => void) | null = null;

  constructor(
    readonly text: string,
    width: number,
  ) {
    this.#reader = new BinaryCopyReader(width);
  }

  submit(connection: PgConnection): void {
    this.#connection = connection;
    const [onData] = connection.stream.listeners('data');
    if (!onData) throw new Error('pg connection has no data listener to take over');
    this.#pgOnData = onData;
    connection.stream.removeListener('data', onData);
    connection.stream.pause();
    connection.stream.on('readable', this.#onReadable);
    connection.query(this.text);
  }

  /** The next rows; null once the COPY completed. */
  async next(): Promise<CopyChunk | null> {
    for (;;) {
      if (this.#failure) throw this.#failure;
      const chunk = this.#ready.shift();
      if (chunk) return chunk;
      if (this.#finished) {
        if (!this.#reader.ended) throw new Error('the COPY ended before its trailer');
        return null;
      }
      this.#read();
      if (this.#ready.length > 0 || this.#failure || this.#finished) continue;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  handleError(error: Error): void {
    this.#failure = error;
    this.#signal();
  }

  /** pg reports the COPY's row count here; the rows themselves were counted as they came. */
  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.#finished = true;
    this.#signal();
  }

  readonly #onReadable = (): void => {
    if (this.#wake) this.#signal();
  };

  #signal(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Reads the socket until some rows are ready or it has nothing more for now. */
  #read(): void {
    const stream = this.#connection?.stream;
    if (!stream || !this.#pgOnData) return;
    let data: Buffer | null;
    while (this.#ready.length === 0 && (data = stream.read() as Buffer | null) !== null) {
      const { chunks, rest } = this.#reader.push(data);
      this.#ready.push(...chunks);
      if (rest) this.#detach(rest);
    }
  }

  /** Gives the socket back to pg, with the bytes after the COPY for its parser. */
  #detach(rest: Buffer): void {
    const stream = this.#connection!.stream;
    const onData = this.#pgOnData!;
    this.#pgOnData = null;
    stream.removeListener('readable', this.#onReadable);
    stream.on('data', onData);
    if (rest.length > 0) onData(rest);
    process.nextTick(() => stream.resume());
  }
}

/**
 * Runs a `COPY (query) TO STDOUT (FORMAT binary)` on a checked-out client and yields its rows as
 * they arrive: one statement, so one consistent snapshot, and Postgres produces the next rows while
 * the caller works on these. The offsets array of a chunk is reused by the next, so a caller
 * finishes with a chunk before asking for another. A caller that stops early leaves the connection
 * mid-COPY: it must release the client as broken (`release(true)`).
 */
export async function* copyBinaryRows(client: PoolClient, query: string, width: number): AsyncGenerator<CopyChunk> {
  const copy = new BinaryCopyOut(`COPY (${query}) TO STDOUT (FORMAT binary)`, width);
  void client.query(copy as unknown as Submittable);
  for (let chunk = await copy.next(); chunk; chunk = await copy.next()) yield chunk;
}

/** A bigint field (int8): exact for the positions and sequence numbers a store hands out (< 2^53). */
export function int8At(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A uuid field (16 bytes) as its canonical text. */
export function uuidAt(buf: Buffer, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[buf[at + i]!];
  }
  return s;
}
