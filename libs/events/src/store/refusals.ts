import { DomainError } from '../errors.js';

/** SQLSTATE classes in which Postgres refuses the data of one item, not the connection or the server. */
const ITEM_CLASSES = new Set(['22', '23']);
/** A unique or an exclusion constraint: under the write lock, only a row written alongside breaks one. */
const CLAIMED = new Set(['23505', '23P01']);

/** True when Postgres refused what was sent (a U+0000, a broken constraint), so resending it alone fails again. */
export function refusedByPostgres(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && ITEM_CLASSES.has(code.slice(0, 2));
}

/**
 * True when the session, not the statement, failed: its backend was ended (class 57P: an
 * administrator, a shutdown, a failover) or the connection broke (class 08, or the driver saw it
 * close). The same statement on another session may well succeed.
 */
export function sessionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code.startsWith('57P') || code.startsWith('08');
  return error instanceof Error && /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE/.test(error.message);
}

/**
 * What a client hears when Postgres refused its item: 400 and the SQLSTATE, never Postgres'
 * message, detail or context, which may quote the item's personal data.
 */
export class UnstorableInput extends DomainError {
  readonly status = 400;
  constructor(sqlState: string) {
    super('UNSTORABLE_INPUT', `the store refused a value in this request (SQLSTATE ${sqlState})`, { sqlState });
  }
}

/**
 * Another append claimed first a row this one writes alongside its events (alongside.ts): nothing
 * of it was written, and like a stale expected version it is decided again on what is stored now.
 */
export class AlongsideConflict extends DomainError {
  readonly status = 409;
  constructor(sqlState: string) {
    super('CONCURRENCY_CONFLICT', `another writer claimed a row this append writes (SQLSTATE ${sqlState})`, { sqlState });
  }
}

/**
 * An escape in JSON.stringify's output that Postgres cannot store: U+0000 (no text holds it) or a
 * lone surrogate (no UTF-8 encodes one), each after an even run of backslashes, so not itself
 * escaped. JSON.stringify writes every other character of those ranges unescaped.
 */
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(0000|d[89a-f])/;

/**
 * `value` as the JSON text the store keeps (a json column takes it as it is), or UnstorableInput
 * with the SQLSTATE Postgres gives such text.
 */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\u')) return json;
  const escape = UNSTORABLE_ESCAPE.exec(json)?.[1];
  if (escape !== undefined) throw new UnstorableInput(escape === '0000' ? '22P05' : '22P02');
  return json;
}

/** The error one item's caller gets: Postgres' refusal of its data as a 400, a claim lost as a conflict, anything else as it came. */
export function itemError(error: unknown): unknown {
  if (!refusedByPostgres(error)) return error;
  return CLAIMED.has(error.code) ? new AlongsideConflict(error.code) : new UnstorableInput(error.code);
}
