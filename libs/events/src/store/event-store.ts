import type { Pool, PoolClient } from 'pg';
import { catalog, decodeEvent, encodeEvent, type DomainEvent } from '../catalog/index.js';
import type { PersonalData } from '../personal/personal-data.js';
import type { DataKey } from '../personal/seal.js';
import type { EventEnvelope, EventMetadata } from '../envelope.js';
import { ConcurrencyConflict } from '../errors.js';
import { newId } from '../ids.js';
import { checkOut } from './checkout.js';
import { copyBinaryRows } from './copy-binary.js';
import { appendCall, type AlongsideRow, type BatchItem } from './alongside.js';
import { GroupCommit, type ItemResult, type Pending } from './group-commit.js';
import { storableJson } from './refusals.js';
import { quoteIdent } from './sql.js';
import { BINARY_COLUMNS, BINARY_WIDTH, COLUMNS, RAW_TEXT, storedRows, toStored, type Row } from './stored-rows.js';

export type { AlongsideRow } from './alongside.js';

export type ExpectedVersion = number | 'no-stream' | 'stream-exists' | 'any';

export interface NewEvent {
  event: DomainEvent;
  metadata: EventMetadata;
  caseId: string | null;
  /** Deterministic ids make appends idempotent; new ids are time-ordered UUIDs. */
  eventId?: string;
  occurredAt?: Date;
}

export interface AppendResult {
  positions: number[];
  /** The stream's version after the append. */
  version: number;
  /** True when every event id was already stored: nothing was written. */
  duplicate: boolean;
}

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** Append inside the caller's transaction (a consumer's unit of work) instead of group commit. */
  tx?: PoolClient;
  /** Rows of the service's own written with the events, in their transaction (alongside.ts). */
  alongside?: readonly AlongsideRow[];
  /** The subject's key when this append opens the subject and writes its key alongside (`Keyring.fresh`). */
  sealingKey?: DataKey;
}

/** A stored row as read back, before its data is decoded through the catalog. */
export type StoredEvent = EventEnvelope<unknown>;

/**
 * The Postgres event store of one service schema. Appends that are not part of a caller's
 * transaction are group-committed (group-commit.ts): each batch is a single round trip, one
 * `append_events` call that is its own transaction, and each append in it is still checked and
 * answered on its own.
 */
export class PgEventStore {
  readonly #pool: Pool;
  readonly #table: string;
  readonly #fn: string;
  readonly #group = new GroupCommit((batch) => this.#appendBatch(batch));

  /**
   * `personal` seals the catalog's personal fields of every event appended, under the key of the
   * event's case (or, without one, its stream): no events table, and so no topic, holds them in clear.
   */
  constructor(
    pool: Pool,
    readonly schema: string,
    private readonly personal?: PersonalData,
  ) {
    this.#pool = pool;
    this.#table = `${quoteIdent(schema)}.events`;
    this.#fn = `${quoteIdent(schema)}.append_events`;
  }

  get pool(): Pool {
    return this.#pool;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const encoded = events.map((e) => encodeEvent(e.event));
    const personal = this.personal;
    // Only events with personal fields wait for a key: the rest still join the batch of their turn.
    for (const [i, e] of encoded.entries()) {
      if (personal && catalog.personalPaths(e.type).length > 0)
        e.data = await personal.sealEvent(events[i]!.caseId ?? streamId, e.type, e.data, options.sealingKey);
    }
    const item: BatchItem = {
      streamId,
      expected: options.expectedVersion,
      events: events.map((e, i) => ({
        eventId: e.eventId ?? newId(),
        type: encoded[i]!.type,
        version: encoded[i]!.version,
        caseId: e.caseId,
        occurredAt: (e.occurredAt ?? new Date()).toISOString(),
      })),
      data: storableJson(encoded.map((e) => e.data)),
      metadata: storableJson(events.map((e) => e.metadata)),
    };
    if (options.tx) {
      const { rows } = await options.tx.query<{ r: ItemResult[] }>(appendCall(this.#fn, [item], [options.alongside]));
      return settle(streamId, options.expectedVersion, rows[0]!.r[0]!);
    }
    return settle(streamId, options.expectedVersion, await this.#group.submit(item, options.alongside));
  }

  async #appendBatch(batch: readonly Pending[]): Promise<ItemResult[]> {
    const call = appendCall(
      this.#fn,
      batch.map((p) => p.item),
      batch.map((p) => p.alongside),
    );
    const { rows } = await this.#pool.query<{ r: ItemResult[] }>(call);
    return rows[0]!.r;
  }

  async readStream(streamId: string, options: { fromVersion?: number; tx?: PoolClient } = {}): Promise<StoredEvent[]> {
    const { rows } = await (options.tx ?? this.#pool).query<Row>({
      name: `${this.schema}.read-stream`,
      text: `SELECT ${COLUMNS} FROM ${this.#table} WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
      values: [streamId, options.fromVersion ?? 1],
      rowMode: 'array',
      types: RAW_TEXT,
    });
    return rows.map(toStored);
  }

  /**
   * Events after a position, in position (= commit) order. Every subscription asks this after
   * every append it hears of: a named statement, parsed and planned once per session.
   */
  async readAll(afterPosition: number, limit = 1000): Promise<StoredEvent[]> {
    const { rows } = await this.#pool.query<Row>({
      name: `${this.schema}.read-all`,
      text: `SELECT ${COLUMNS} FROM ${this.#table} WHERE position > $1 ORDER BY position LIMIT $2`,
      values: [afterPosition, limit],
      rowMode: 'array',
      types: RAW_TEXT,
    });
    return rows.map(toStored);
  }

  /**
   * Every event after a position, in position order, as one snapshot: what a replay or a rebuild
   * reads. It streams a binary COPY, handed out in the pages that arrive, so Postgres serves the
   * next rows while the caller decodes these.
   */
  async *readAllPages(afterPosition: number): AsyncGenerator<StoredEvent[]> {
    const { client, release } = await checkOut(this.#pool);
    let complete = false;
    try {
      const query = `SELECT ${BINARY_COLUMNS} FROM ${this.#table} WHERE position > ${Math.trunc(afterPosition)} ORDER BY position`;
      for await (const chunk of copyBinaryRows(client, query, BINARY_WIDTH)) yield storedRows(chunk);
      complete = true;
    } finally {
      // Stopped midway, the connection is still in COPY mode: it is discarded, not pooled.
      release(!complete);
    }
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.#pool.query<{ p: string | null }>(`SELECT max(position) AS p FROM ${this.#table}`);
    return Number(rows[0]?.p ?? 0);
  }
}

/** Decodes a stored event through the catalog (upcasting older versions); null when it cannot. */
export function decodeStored(stored: StoredEvent): (EventEnvelope<DomainEvent['data']> & { event: DomainEvent }) | { error: string } {
  const result = decodeEvent(stored.type, stored.version, stored.data);
  if (!result.ok) return { error: result.reason };
  return { ...stored, version: result.version, data: result.event.data, event: result.event };
}

function settle(streamId: string, expected: ExpectedVersion, r: ItemResult): AppendResult {
  switch (r.status) {
    case 'ok':
      return { positions: r.positions.map(Number), version: r.version, duplicate: false };
    case 'duplicate':
      return { positions: r.positions.map(Number), version: r.version, duplicate: true };
    case 'conflict':
      throw new ConcurrencyConflict(streamId, expected, r.version);
    case 'partial-duplicate':
      throw new Error(`append to ${streamId} repeats some but not all event ids of an earlier append`);
  }
}
