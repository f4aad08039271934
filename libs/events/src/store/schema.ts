import type { Migration } from './migrations.js';
import {
  answerRefusal,
  batchItemVariables,
  eventValues,
  idsRepeat,
  insertEvents,
  probeBatch,
  readItem,
  streamsRepeat,
  verdictOf,
  writeAlongside,
  writtenByStream,
  answerBatch,
  judgeItem,
} from './append-sql.js';
import { columnWiseAppend, probeOnlyStoredStreams } from './schema-columns.js';
import { advisoryKey } from './sql.js';

/**
 * The event-store tables of one service schema. Appends go through `append_events`, which takes
 * the schema's write lock before it draws positions and holds it until commit: positions are
 * therefore handed out in commit order, and a reader that sees position N has already seen every
 * committed event below N. That is what keeps a late-committing writer from being skipped.
 */
export const eventStoreMigrations = (schema: string): Migration[] => [
  {
    version: 1,
    name: 'event store',
    sql: (s) => `
      CREATE SEQUENCE ${s}.events_position_seq AS bigint;
      CREATE TABLE ${s}.events (
        position bigint PRIMARY KEY,
        stream_id text NOT NULL,
        stream_version int NOT NULL CHECK (stream_version > 0),
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        schema_version int NOT NULL,
        case_id text,
        -- json, not jsonb: stored as the text it was given, so reading back is a copy, not a
        -- re-rendering of binary JSON (twice the replay throughput); nothing on a hot path queries inside it.
        data json NOT NULL,
        metadata json NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (stream_id, stream_version)
      );
      CREATE INDEX events_case_id ON ${s}.events (case_id, position) WHERE case_id IS NOT NULL;

      CREATE FUNCTION ${s}.refuse_history_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % refused on %.%', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${s}.events
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_history_rewrite();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_history_rewrite();

      CREATE TABLE ${s}.checkpoints (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${s}.processed_messages (
        consumer text NOT NULL,
        message_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      );

      -- p_batch: [{ streamId, expected: int | "no-stream" | "stream-exists" | "any", events: [...] }]
      -- returns, per item: { status: "ok"|"duplicate"|"conflict"|"partial-duplicate", positions, version }
      CREATE FUNCTION ${s}.append_events(p_batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        item jsonb;
        results jsonb := '[]'::jsonb;
        ids uuid[];
        existing bigint[];
        current_version int;
        expected jsonb;
        positions bigint[];
        n int;
        verdict text;
        last_pos bigint := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(${advisoryKey(`${schema}:events`)});
        FOR item IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
          SELECT array_agg((e->>'eventId')::uuid) INTO ids FROM jsonb_array_elements(item->'events') e;
          n := coalesce(array_length(ids, 1), 0);
          -- Planned on every call: a cached generic plan made while the table was nearly empty is a
          -- sequential scan, kept until autovacuum analyses the table, and appends slow with every row.
          EXECUTE 'SELECT array_agg(position ORDER BY position) FROM ${s}.events WHERE event_id = ANY($1)' INTO existing USING ids;
          SELECT coalesce(max(stream_version), 0) INTO current_version FROM ${s}.events WHERE stream_id = item->>'streamId';
          expected := item->'expected';
          verdict := ${verdictOf('coalesce(array_length(existing, 1), 0)')};
          ${answerRefusal('to_jsonb(existing)')}
          WITH inserted AS (
            ${insertEvents(s)}
            SELECT nextval('${s}.events_position_seq'), item->>'streamId', current_version + e.ord::int, ${eventValues('e.ev')}
            FROM jsonb_array_elements(item->'events') WITH ORDINALITY AS e(ev, ord)
            ORDER BY e.ord
            RETURNING position
          )
          SELECT array_agg(position ORDER BY position) INTO positions FROM inserted;
          current_version := current_version + n;
          last_pos := greatest(last_pos, positions[n]);
          results := results || jsonb_build_object('status', 'ok', 'positions', to_jsonb(positions), 'version', current_version);
        END LOOP;
        IF last_pos > 0 THEN
          PERFORM pg_notify('${schema}_events', last_pos::text);
        END IF;
        RETURN results;
      END $fn$;
    `,
  },
  {
    version: 2,
    name: 'append looks up a whole batch at once',
    // Same contract as version 1. What a batch already holds (event ids, stream versions) is read
    // with two statements instead of two per item, and nothing is rebuilt per item unless the
    // batch repeats a stream or an event id: a group commit of many appends then costs little
    // more than one.
    sql: (s) => `
      CREATE OR REPLACE FUNCTION ${s}.append_events(p_batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        ${batchItemVariables}
        results jsonb[] := '{}';
        ids_repeat boolean;
        streams_repeat boolean;
        inserted jsonb;
        last_pos bigint := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(${advisoryKey(`${schema}:events`)});
        ids_repeat := ${idsRepeat};
        streams_repeat := ${streamsRepeat('p_batch')};
        ${probeBatch(s)}
        FOR item IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
          ${readItem}
          expected := item->'expected';
          verdict := ${verdictOf('jsonb_array_length(hits)')};
          ${answerRefusal('hits')}
          WITH added AS (
            ${insertEvents(s)}
            SELECT nextval('${s}.events_position_seq'), stream, current_version + e.ord::int, ${eventValues('e.ev')}
            FROM jsonb_array_elements(item->'events') WITH ORDINALITY AS e(ev, ord)
            ORDER BY e.ord
            RETURNING position, event_id
          )
          SELECT jsonb_agg(position ORDER BY position), CASE WHEN ids_repeat THEN jsonb_object_agg(event_id::text, position) END
            INTO hits, inserted FROM added;
          current_version := current_version + n;
          -- Later items of the same batch must see this one: its ids stored, its stream moved on.
          IF ids_repeat THEN known := known || inserted; END IF;
          IF streams_repeat THEN versions := versions || jsonb_build_object(stream, current_version); END IF;
          last_pos := greatest(last_pos, (hits->>(n - 1))::bigint);
          results := results || jsonb_build_object('status', 'ok', 'positions', hits, 'version', current_version);
        END LOOP;
        IF last_pos > 0 THEN
          PERFORM pg_notify('${schema}_events', last_pos::text);
        END IF;
        RETURN to_jsonb(results);
      END $fn$;
    `,
  },
  {
    version: 3,
    name: 'append writes a whole batch with one insert',
    // Same contract again. Group commits of independent appends (a consumer assigning a task per
    // stream, many reports at once) are the common batch, and their cost was one INSERT statement
    // per item. Such a batch is now classified item by item as before and written with a single
    // INSERT, so that cost is paid once per batch. A batch that repeats a stream or an
    // event id still goes one item at a time, so later items see what earlier ones wrote.
    sql: (s) => `
      ALTER FUNCTION ${s}.append_events(jsonb) RENAME TO append_events_in_order;

      -- jit off: the planner takes every jsonb_array_elements for 100 rows, so a batch of 16
      -- looks costly enough to compile, and compiling costs more than the whole append.
      CREATE FUNCTION ${s}.append_events(p_batch jsonb) RETURNS jsonb LANGUAGE plpgsql SET jit = off AS $fn$
      DECLARE
        ${batchItemVariables}
        -- per item, in batch order; plpgsql appends to arrays in place
        statuses text[] := '{}';
        versions_before int[] := '{}';
        hit_lists jsonb[] := '{}';
        writes jsonb[] := '{}';
        written jsonb;   -- stream id -> positions of what the insert wrote
        results jsonb;
        last_pos bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(${advisoryKey(`${schema}:events`)});
        IF ${idsRepeat} OR ${streamsRepeat('p_batch')} THEN
          RETURN ${s}.append_events_in_order(p_batch);
        END IF;
        ${probeBatch(s)}
        FOR item IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
          ${readItem}
          ${judgeItem}
          IF verdict = 'ok' THEN
            writes := writes || jsonb_build_object('stream', stream, 'version', current_version, 'events', item->'events');
          END IF;
        END LOOP;
        -- Positions follow batch order: nextval is evaluated after the sort.
        WITH added AS (
          ${insertEvents(s)}
          SELECT nextval('${s}.events_position_seq'), w->>'stream', (w->>'version')::int + e.ord::int, ${eventValues('e.ev')}
            FROM unnest(writes) WITH ORDINALITY AS k(w, ord_item), jsonb_array_elements(w->'events') WITH ORDINALITY AS e(ev, ord)
           ORDER BY k.ord_item, e.ord
          RETURNING stream_id, position
        )
        ${writtenByStream}
        ${answerBatch(schema, 'p_batch', (item) => `jsonb_array_length(${item}->'events')`)}
        RETURN coalesce(results, '[]'::jsonb);
      END $fn$;
    `,
  },
  {
    version: 4,
    name: 'rows of the service written alongside an append',
    // A service's own rows (a read model, an idempotency record) that must commit with the events
    // or not at all, without a transaction of the caller's, which would cost its round trips and
    // keep the batch from being shared. append_events(p_batch) itself is unchanged.
    sql: (s) => `
      -- p_alongside: per item of p_batch, null or [{ writer, row }]. Each writer, a function of this
      -- schema taking a jsonb array of rows, is called once with the rows of the items written, in
      -- batch order; an item refused (a conflict, a duplicate) has none of its rows written.
      CREATE FUNCTION ${s}.append_events(p_batch jsonb, p_alongside jsonb) RETURNS jsonb LANGUAGE plpgsql SET jit = off AS $fn$
      DECLARE
        results jsonb := ${s}.append_events(p_batch);
        w record;
      BEGIN
        ${writeAlongside(s)}
        RETURN results;
      END $fn$;
    `,
  },
  columnWiseAppend(schema),
  probeOnlyStoredStreams(schema),
];
