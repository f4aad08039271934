import type { ExpectedVersion } from './event-store.js';

/**
 * A row of the service's own (a read model, an idempotency record) that lands with an append's
 * events: the schema's function `writer(rows jsonb)` writes it in the same transaction, and it is
 * not written when the append is refused. A unique constraint on such rows is a claim the append
 * makes: two appends that claim the same row cannot both commit.
 */
export interface AlongsideRow {
  writer: string;
  row: unknown;
}

/**
 * An append of one stream, as a batch of `append_events` takes it: its events' data and metadata
 * each as the text of one JSON array, in the events' order.
 */
export interface BatchItem {
  streamId: string;
  expected: ExpectedVersion;
  events: { eventId: string; type: string; version: number; caseId: string | null; occurredAt: string }[];
  data: string;
  metadata: string;
}

const COLUMNS = '$2::uuid[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::json, $8::json';

/** A Postgres array literal; each element quoted, so none is read as NULL or split at a comma. */
function pgArray(values: readonly (string | number | null)[]): string {
  const quoted = values.map((v) =>
    v === null ? 'NULL' : typeof v === 'number' ? String(v) : /["\\]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : `"${v}"`,
  );
  return `{${quoted.join(',')}}`;
}

/** The JSON arrays of a batch's items, one after another, as one JSON array. */
const joined = (arrays: readonly string[]): string => `[${arrays.map((a) => a.slice(1, -1)).join(',')}]`;

/**
 * One `append_events` call for a batch, its events column by column (schema-columns.ts); the form
 * that takes rows only when some item has any. Each form is a named statement, parsed once per
 * session rather than at every group commit.
 */
export function appendCall(
  fn: string,
  items: readonly BatchItem[],
  alongside: readonly (readonly AlongsideRow[] | undefined)[],
): { name: string; text: string; values: string[] } {
  const ids: string[] = [];
  const types: string[] = [];
  const versions: number[] = [];
  const cases: (string | null)[] = [];
  const occurred: string[] = [];
  const heads = items.map(({ streamId, expected, events }) => {
    for (const e of events) {
      ids.push(e.eventId);
      types.push(e.type);
      versions.push(e.version);
      cases.push(e.caseId);
      occurred.push(e.occurredAt);
    }
    return { streamId, expected, count: events.length };
  });
  const values = [
    JSON.stringify(heads),
    pgArray(ids),
    pgArray(types),
    pgArray(versions),
    pgArray(cases),
    pgArray(occurred),
    joined(items.map((i) => i.data)),
    joined(items.map((i) => i.metadata)),
  ];
  if (alongside.every((rows) => !rows?.length)) return { name: `${fn}/8`, text: `SELECT ${fn}($1::jsonb, ${COLUMNS}) AS r`, values };
  return {
    name: `${fn}/9`,
    text: `SELECT ${fn}($1::jsonb, ${COLUMNS}, $9::jsonb) AS r`,
    values: [...values, JSON.stringify(alongside.map((rows) => rows ?? null))],
  };
}
