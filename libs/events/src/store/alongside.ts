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
 * One `append_events` call for a batch; the form that takes rows only when some item has any. Each
 * form is a named statement, parsed once per session rather than at every group commit.
 */
export function appendCall(
  fn: string,
  items: readonly unknown[],
  alongside: readonly (readonly AlongsideRow[] | undefined)[],
): { name: string; text: string; values: string[] } {
  const batch = JSON.stringify(items);
  if (alongside.every((rows) => !rows?.length)) return { name: `${fn}/1`, text: `SELECT ${fn}($1::jsonb) AS r`, values: [batch] };
  return {
    name: `${fn}/2`,
    text: `SELECT ${fn}($1::jsonb, $2::jsonb) AS r`,
    values: [batch, JSON.stringify(alongside.map((rows) => rows ?? null))],
  };
}
