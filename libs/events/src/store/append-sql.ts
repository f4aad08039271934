/**
 * Pieces of `append_events` that its versions share (schema.ts). Each version is a migration of
 * its own, and a fresh schema runs them all in turn, so every version must stay complete; these
 * fragments keep the rules they have in common written once.
 */

/** The events columns an append writes, in the order `eventValues` gives them. */
export const insertEvents = (s: string): string =>
  `INSERT INTO ${s}.events (position, stream_id, stream_version, event_id, type, schema_version, case_id, data, metadata, occurred_at)`;

/** The columns of `insertEvents` after position, stream and version, read from one event of a batch item. */
export const eventValues = (ev: string): string =>
  `(${ev}->>'eventId')::uuid, ${ev}->>'type', (${ev}->>'version')::int, ${ev}->>'caseId', (${ev}->'data')::json, (${ev}->'metadata')::json, (${ev}->>'occurredAt')::timestamptz`;

/**
 * What becomes of an item of `n` events of which `stored` are already stored, appended to a stream
 * at `current_version` expecting `expected` (a number, "no-stream", "stream-exists" or "any"):
 * 'duplicate', 'partial-duplicate', 'conflict' or 'ok'.
 */
export const verdictOf = (stored: string): string => `CASE
            WHEN ${stored} = n AND n > 0 THEN 'duplicate'
            WHEN ${stored} > 0 THEN 'partial-duplicate'
            WHEN (jsonb_typeof(expected) = 'number' AND current_version <> expected::int)
              OR (expected = '"no-stream"' AND current_version <> 0)
              OR (expected = '"stream-exists"' AND current_version = 0) THEN 'conflict'
            ELSE 'ok' END`;

/** For the in-order versions: answers an item that is not to be written, with `positions` of its stored events, and moves on. */
export const answerRefusal = (positions: string): string => `IF verdict <> 'ok' THEN
            results := results || jsonb_build_object('status', verdict,
              'positions', CASE verdict WHEN 'conflict' THEN '[]'::jsonb ELSE ${positions} END, 'version', current_version);
            CONTINUE;
          END IF;`;

/** The variables `probeBatch`, `readItem` and `verdictOf` read and write, declared by every version that uses them. */
export const batchItemVariables = `item jsonb;
        known jsonb;     -- event id -> position, for every id of the batch already stored
        versions jsonb;  -- stream id -> version, for every stream of the batch that exists
        stream text;
        hits jsonb;
        current_version int;
        expected jsonb;
        n int;
        verdict text;`;

/**
 * Reads what a batch already holds into `known` (event id -> position) and `versions` (stream id ->
 * version). One index probe per id and per stream (correlated subqueries are never turned into
 * joins): a plan over the whole list would be a sequential scan while the table has no statistics.
 */
export const probeBatch = (s: string): string => `${probeIds(
  s,
  `SELECT DISTINCT (e->>'eventId')::uuid AS id
                          FROM jsonb_array_elements(p_batch) i, jsonb_array_elements(i->'events') e`,
)}
        ${probeStreams(s, 'p_batch')}`;

/** `known` (event id -> position) for the ids that `ids`, a query of one column `id`, gives. */
export const probeIds = (
  s: string,
  ids: string,
): string => `SELECT coalesce(jsonb_object_agg(id::text, pos) FILTER (WHERE pos IS NOT NULL), '{}') INTO known
          FROM (SELECT id, (SELECT position FROM ${s}.events WHERE event_id = id) AS pos
                  FROM (${ids}) ids) probed;`;

/** `versions` (stream id -> version) for the streams of the items of the jsonb array `items`. */
export const probeStreams = (
  s: string,
  items: string,
): string => `SELECT coalesce(jsonb_object_agg(sid, v) FILTER (WHERE v IS NOT NULL), '{}') INTO versions
          FROM (SELECT sid, (SELECT max(stream_version) FROM ${s}.events WHERE stream_id = sid) AS v
                  FROM (SELECT DISTINCT i->>'streamId' AS sid FROM jsonb_array_elements(${items}) i) streams) probed;`;

/**
 * Reads `item` against what `probeBatch` found: its `stream`, the stream's `current_version`, its
 * `n` events, and in `hits` the stored positions of those events in position order ('[]' when none
 * is stored).
 */
export const readItem = `stream := item->>'streamId';
          current_version := coalesce((versions->>stream)::int, 0);
          n := jsonb_array_length(item->'events');
          hits := '[]';
          IF known <> '{}' THEN
            SELECT coalesce(jsonb_agg(known->(e->>'eventId')::uuid::text ORDER BY (known->>(e->>'eventId')::uuid::text)::bigint)
                              FILTER (WHERE known ? (e->>'eventId')::uuid::text), '[]')
              INTO hits FROM jsonb_array_elements(item->'events') e;
          END IF;`;

/** Whether a batch holds an event id twice, and whether the jsonb array of items `items` names a stream twice. */
export const idsRepeat = `(SELECT count(*) <> count(DISTINCT (e->>'eventId')::uuid)
              FROM jsonb_array_elements(p_batch) i, jsonb_array_elements(i->'events') e)`;
export const streamsRepeat = (items: string): string => `(SELECT count(*) <> count(DISTINCT value->>'streamId') FROM jsonb_array_elements(${items}))`;

/**
 * Writes an append's alongside rows (alongside.ts): each writer named in `p_alongside` is called once
 * with the rows of the items that `results` answers 'ok', in batch order.
 */
export const writeAlongside = (
  s: string,
): string => `FOR w IN SELECT entry->>'writer' AS writer, jsonb_agg(entry->'row' ORDER BY k.ord, j.ord) AS rows
                   FROM jsonb_array_elements(p_alongside) WITH ORDINALITY AS k(entries, ord),
                        jsonb_array_elements(CASE jsonb_typeof(k.entries) WHEN 'array' THEN k.entries ELSE '[]' END) WITH ORDINALITY AS j(entry, ord)
                  WHERE results->(k.ord::int - 1)->>'status' = 'ok'
                  GROUP BY 1 ORDER BY min(k.ord) LOOP
          EXECUTE 'SELECT ${s}.' || quote_ident(w.writer) || '($1)' USING w.rows;
        END LOOP;`;

/** After the CTE `added` (an insert returning stream_id and position): `written`, stream id -> positions, and `last_pos`. */
export const writtenByStream = `SELECT coalesce(jsonb_object_agg(stream_id, positions), '{}'), max(last) INTO written, last_pos
          FROM (SELECT stream_id, jsonb_agg(position ORDER BY position) AS positions, max(position) AS last FROM added GROUP BY stream_id) per_stream;`;

/**
 * For the set-wise versions: `results`, each item's answer in batch order from what the loop kept
 * (`statuses`, `versions_before`, `hit_lists`) and what the insert `written`, then the notice of the
 * new head. `items` names the batch argument; `countOf(item)` is the number of an item's events.
 */
export const answerBatch = (schema: string, items: string, countOf: (item: string) => string): string => `SELECT jsonb_agg(jsonb_build_object(
                 'status', status,
                 'positions', CASE status WHEN 'ok' THEN written->(${items}->(ord::int - 1)->>'streamId') WHEN 'conflict' THEN '[]'::jsonb ELSE hit END,
                 'version', CASE status WHEN 'ok' THEN before + ${countOf(`${items}->(ord::int - 1)`)} ELSE before END)
                 ORDER BY ord)
          INTO results FROM unnest(statuses, versions_before, hit_lists) WITH ORDINALITY AS r(status, before, hit, ord);
        IF last_pos IS NOT NULL THEN
          PERFORM pg_notify('${schema}_events', last_pos::text);
        END IF;`;

/** For the set-wise versions: keeps what the item read and its verdict, for `answerBatch`. */
export const judgeItem = `versions_before := versions_before || current_version;
          hit_lists := hit_lists || hits;
          expected := item->'expected';
          verdict := ${verdictOf('jsonb_array_length(hits)')};
          statuses := statuses || verdict;`;
