import { DomainError } from '../errors.js';

/** SQLSTATE classes in which Postgres refuses the data of one item, not the connection or the server. */
const ITEM_CLASSES = new Set(['22', '23']);

/** True when Postgres refused what was sent (a U+0000, a broken constraint), so resending it alone fails again. */
export function refusedByPostgres(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && ITEM_CLASSES.has(code.slice(0, 2));
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

/** The error one item's caller gets: Postgres' refusal of its data as a 400, anything else as it came. */
export const itemError = (error: unknown): unknown => (refusedByPostgres(error) ? new UnstorableInput(error.code) : error);
