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

/** An append of one stream, as a batch of `append_events` takes it: data and metadata as their JSON text. */
export interface BatchItem {
  streamId: string;
  expected: ExpectedVersion;
  events: { eventId: string; type: string; version: number; caseId: string | null; data: string; metadata: string; occurredAt: string }[];
}

const COLUMNS = '$2::uuid[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::json, $8::json';

/**
 * One `append_events` call for a batch, its events column by column (schema-columns.ts); the form
 * that takes rows only when some item has any. Each form is a named statement, parsed once per
 * session rather than at every group commit.
 */
export function appendCall(
  fn: string,
  items: readonly BatchItem[],
  alongside: readonly (readonly AlongsideRow[] | undefined)[],
): { name: string; text: string; values: unknown[] } {
  const ids: string[] = [];
  const types: string[] = [];
  const versions: number[] = [];
  const cases: (string | null)[] = [];
  const occurred: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  const heads = items.map(({ streamId, expected, events }) => {
    for (const e of events) {
      ids.push(e.eventId);
      types.push(e.type);
      versions.push(e.version);
      cases.push(e.caseId);
      occurred.push(e.occurredAt);
      data.push(e.data);
      metadata.push(e.metadata);
    }
    return { streamId, expected, count: events.length };
  });
  const values = [JSON.stringify(heads), ids, types, versions, cases, occurred, `[${data.join(',')}]`, `[${metadata.join(',')}]`];
  if (alongside.every((rows) => !rows?.length)) return { name: `${fn}/8`, text: `SELECT ${fn}($1::jsonb, ${COLUMNS}) AS r`, values };
  return {
    name: `${fn}/9`,
    text: `SELECT ${fn}($1::jsonb, ${COLUMNS}, $9::jsonb) AS r`,
    values: [...values, JSON.stringify(alongside.map((rows) => rows ?? null))],
  };
}
