import type { Migration } from './migrations.js';
import {
  answerBatch,
  judgeItem,
  batchItemVariables,
  probeIds,
  probeStreams,
  insertEvents,
  streamsRepeat,
  writeAlongside,
  writtenByStream,
} from './append-sql.js';
import { advisoryKey } from './sql.js';

/** The arguments of the column-wise `append_events`, in order; `appendCall` fills them. */
const COLUMN_ARGS = `p_items jsonb, p_ids uuid[], p_types text[], p_versions int[], p_cases text[], p_occurred timestamptz[], p_data json, p_metadata json`;

/** The events of a column-wise batch as rows, `g` numbering them from 1 across the whole batch. */
const eventRows = `ROWS FROM (unnest(p_ids), unnest(p_types), unnest(p_versions), unnest(p_cases), unnest(p_occurred),
                    json_array_elements(p_data), json_array_elements(p_metadata)) WITH ORDINALITY AS r(id, type, v, c, at, data, meta, g)`;

/** The batch decided item by item in the document form, each item seeing what those before it wrote. */
const inOrder = (s: string): string =>
  `${s}.append_events_in_order(${s}.columns_as_batch(p_items, p_ids, p_types, p_versions, p_cases, p_occurred, p_data, p_metadata))`;

/** Every event id of the batch, for `probeIds`. */
const EVERY_ID = 'SELECT id FROM unnest(p_ids) id';

/** Where an append looks up what a batch already holds, and how it wraps its insert. */
interface Lookup {
  /** Declarations of its own. */
  variables: string;
  /** Fills `known` (event id -> position) and `versions` (stream id -> version). */
  probe: string;
  /** The insert and what follows it, given the plain statements. */
  write: (insert: string) => string;
}

/** Every event id of the batch looked up, whatever its stream: no insert can meet a stored id. */
const everyIdProbed = (s: string): Lookup => ({
  variables: '',
  probe: `${probeIds(s, EVERY_ID)}
      ${probeStreams(s, 'p_items')}`,
  write: (insert) => insert,
});

/** The ids of the items whose stream `versions` holds. */
const idsOfStoredStreams = `SELECT p_ids[g::int] AS id
                  FROM (SELECT value->>'streamId' AS sid, (value->>'count')::int AS n,
                               sum((value->>'count')::int) OVER (ORDER BY ord) AS last
                          FROM jsonb_array_elements(p_items) WITH ORDINALITY AS i(value, ord)) it,
                       generate_series(it.last - it.n + 1, it.last) g
                 WHERE versions ? it.sid`;

/**
 * Events of new streams in one batch from which their ids go unprobed: below it, the
 * subtransaction that catches a refused id costs more than the probes it spares.
 */
const UNPROBED_EVENTS = 64;

/**
 * Only the ids of streams that exist looked up, when a batch has many events of new streams. A
 * stream that does not exist holds no event, so an id of its items can be stored only in another
 * stream; the unique index refuses that one at the insert, and the batch is then decided again item
 * by item with every id looked up, as before.
 */
const idsOfStoredStreamsProbed = (s: string): Lookup => ({
  variables: 'unprobed boolean;  -- the ids of items to streams that do not exist were not looked up',
  // `versions` as probeStreams finds it (no stream repeats here), and in the same pass the events of
  // new streams. The columns' names are none of the function's variables.
  probe: `SELECT coalesce(jsonb_object_agg(item_stream, stored_version) FILTER (WHERE stored_version IS NOT NULL), '{}'),
             coalesce(sum(item_events) FILTER (WHERE stored_version IS NULL), 0) >= ${UNPROBED_EVENTS}
        INTO versions, unprobed
        FROM (SELECT item_stream, item_events, (SELECT max(stream_version) FROM ${s}.events WHERE stream_id = item_stream) AS stored_version
                FROM (SELECT value->>'streamId' AS item_stream, (value->>'count')::int AS item_events FROM jsonb_array_elements(p_items)) items) probed;
      IF NOT unprobed THEN
        ${probeIds(s, EVERY_ID)}
      ELSIF versions = '{}' THEN
        known := '{}';
      ELSE
        ${probeIds(s, idsOfStoredStreams)}
      END IF;`,
  // The block's subtransaction is paid only by a batch whose ids were not all looked up.
  write: (insert) => `IF unprobed THEN
        BEGIN
          ${insert}
        EXCEPTION WHEN unique_violation THEN
          RETURN ${inOrder(s)};
        END;
      ELSE
        ${insert}
      END IF;`,
});

/** The insert of a batch's items judged 'ok', and `written` and `last_pos` from what it wrote. */
const insertBatch = (s: string): string => `-- Positions follow batch order: nextval is evaluated after the sort.
      WITH added AS (
        ${insertEvents(s)}
        SELECT nextval('${s}.events_position_seq'), k.stream, k.version + (r.g - k.first)::int, r.id, r.type, r.v, r.c, r.data, r.meta, r.at
          FROM ${eventRows}
          JOIN unnest(w_streams, w_versions, w_firsts, w_counts) AS k(stream, version, first, n) ON r.g > k.first AND r.g <= k.first + k.n
         ORDER BY r.g
        RETURNING stream_id, position
      )
      ${writtenByStream}`;

/** The column-wise `append_events` itself, as `lookup` finds what a batch holds. */
const appendFunction = (
  schema: string,
  s: string,
  lookup: Lookup,
  replace = false,
): string => `CREATE ${replace ? 'OR REPLACE ' : ''}FUNCTION ${s}.append_events(${COLUMN_ARGS}) RETURNS jsonb LANGUAGE plpgsql
      SET jit = off SET plan_cache_mode = force_generic_plan AS $fn$
    DECLARE
      ${batchItemVariables}
      first int := 0;  -- events of the batch before this item
      statuses text[] := '{}';
      versions_before int[] := '{}';
      hit_lists jsonb[] := '{}';
      -- the items to write: stream, version before, first event's place in the batch, count
      w_streams text[] := '{}';
      w_versions int[] := '{}';
      w_firsts int[] := '{}';
      w_counts int[] := '{}';
      written jsonb;
      results jsonb;
      last_pos bigint;
      total int := cardinality(p_ids);
      ${lookup.variables}
    BEGIN
      IF cardinality(p_types) <> total OR cardinality(p_versions) <> total OR cardinality(p_cases) <> total
         OR cardinality(p_occurred) <> total OR (SELECT sum((value->>'count')::int) FROM jsonb_array_elements(p_items)) <> total THEN
        RAISE EXCEPTION 'append_events: the columns of a batch differ in length' USING ERRCODE = 'invalid_parameter_value';
      END IF;
      PERFORM pg_advisory_xact_lock(${advisoryKey(`${schema}:events`)});
      IF (SELECT count(*) <> count(DISTINCT id) FROM unnest(p_ids) id) OR ${streamsRepeat('p_items')} THEN
        RETURN ${inOrder(s)};
      END IF;
      ${lookup.probe}
      FOR item IN SELECT value FROM jsonb_array_elements(p_items) LOOP
        stream := item->>'streamId';
        current_version := coalesce((versions->>stream)::int, 0);
        n := (item->>'count')::int;
        hits := '[]';
        IF known <> '{}' THEN
          SELECT coalesce(jsonb_agg(known->(id::text) ORDER BY (known->>(id::text))::bigint) FILTER (WHERE known ? id::text), '[]')
            INTO hits FROM unnest(p_ids[first + 1 : first + n]) id;
        END IF;
        ${judgeItem}
        IF verdict = 'ok' THEN
          w_streams := w_streams || stream;
          w_versions := w_versions || current_version;
          w_firsts := w_firsts || first;
          w_counts := w_counts || n;
        END IF;
        first := first + n;
      END LOOP;
      ${lookup.write(insertBatch(s))}
      ${answerBatch(schema, 'p_items', (item) => `(${item}->>'count')::int`)}
      RETURN coalesce(results, '[]'::jsonb);
    END $fn$;`;

/**
 * `append_events` with its events passed column by column: one array per column, and the data and
 * metadata as one JSON array each, in batch order; `p_items` holds each item's stream, expectation
 * and event `count`. Same contract as the versions before it.
 */
export const columnWiseAppend = (schema: string): Migration => ({
  version: 5,
  name: 'append takes its events column by column',
  // A batch passed as one jsonb document was parsed into binary JSON as a whole, and each event's
  // data rendered back to text and parsed once more to be stored as json: most of an append's
  // cost after the index inserts. Column by column, ids, types and times are read by their own
  // input functions and each event's data is lexed once, straight into the stored text.
  // Generic plans: every statement here reads by unique index whatever the table holds, so
  // planning them anew at every call (the default for a function's parameters) is pure cost.
  sql: (s) => `
    ALTER FUNCTION ${s}.append_events(jsonb) SET plan_cache_mode = force_generic_plan;
    ALTER FUNCTION ${s}.append_events(jsonb, jsonb) SET plan_cache_mode = force_generic_plan;
    ALTER FUNCTION ${s}.append_events_in_order(jsonb) SET plan_cache_mode = force_generic_plan;

    -- The rare batch that repeats a stream or an event id goes item by item, in the document form.
    CREATE FUNCTION ${s}.columns_as_batch(${COLUMN_ARGS}) RETURNS jsonb LANGUAGE sql AS $fn$
      WITH items AS (
        SELECT value AS item, ord, sum((value->>'count')::int) OVER (ORDER BY ord) - (value->>'count')::int AS first
          FROM jsonb_array_elements(p_items) WITH ORDINALITY AS i(value, ord)
      ), events AS (SELECT * FROM ${eventRows})
      SELECT coalesce(jsonb_agg(jsonb_build_object('streamId', item->'streamId', 'expected', item->'expected', 'events',
               (SELECT coalesce(jsonb_agg(jsonb_build_object('eventId', r.id, 'type', r.type, 'version', r.v, 'caseId', r.c,
                         'data', r.data::jsonb, 'metadata', r.meta::jsonb, 'occurredAt', r.at) ORDER BY r.g), '[]')
                  FROM events r WHERE r.g > first AND r.g <= first + (item->>'count')::int)) ORDER BY ord), '[]')
        FROM items
    $fn$;

    ${appendFunction(schema, s, everyIdProbed(s))}

    CREATE FUNCTION ${s}.append_events(${COLUMN_ARGS}, p_alongside jsonb) RETURNS jsonb LANGUAGE plpgsql
      SET jit = off SET plan_cache_mode = force_generic_plan AS $fn$
    DECLARE
      results jsonb := ${s}.append_events(p_items, p_ids, p_types, p_versions, p_cases, p_occurred, p_data, p_metadata);
      w record;
    BEGIN
      ${writeAlongside(s)}
      RETURN results;
    END $fn$;
  `,
});

/**
 * The same `append_events`, looking up only the event ids of streams that exist when a batch
 * brings many events of new streams: those probe the id index once per event (at the insert)
 * rather than twice.
 */
export const probeOnlyStoredStreams = (schema: string): Migration => ({
  version: 6,
  name: 'append looks up the ids of existing streams only',
  sql: (s) => appendFunction(schema, s, idsOfStoredStreamsProbed(s), true),
});
