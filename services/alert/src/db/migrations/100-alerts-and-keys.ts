import { createHash } from 'node:crypto';
import type { Migration } from '@rapid-search/events';

/**
 * The key of the event store's write lock for the `alert` schema (the kernel's
 * `advisoryKey('alert:events')`), derived here as migration 100 was applied with it.
 */
const WRITE_LOCK_KEY = createHash('sha256').update('alert:events').digest().readBigInt64BE(0).toString();

/**
 * As applied, and so never changed: the `alerts` table, the idempotency records of `POST /v1/alerts`,
 * and `accept_reports`, which decided intake in SQL under the store's write lock. Migration 101
 * drops the function and the lock helper; intake is decided in TypeScript since (commands/intake.ts).
 */
export const alertsAndKeys: Migration = {
  version: 100,
  name: 'alerts projection and idempotency keys',
  sql: (s) => `
      CREATE FUNCTION ${s}.lock_event_writes() RETURNS void LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY}) $$;

      CREATE TABLE ${s}.alerts (
        alert_id text PRIMARY KEY,
        case_id text NOT NULL UNIQUE,
        stream_version int NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'closed')),
        upstream_system_id text NOT NULL,
        source text NOT NULL,
        region_code text NOT NULL,
        child jsonb NOT NULL,
        reporter jsonb NOT NULL,
        last_seen jsonb NOT NULL,
        last_seen_at timestamptz NOT NULL,
        reported_at timestamptz NOT NULL,
        opened_at timestamptz NOT NULL,
        radius_km int NOT NULL,
        next_widening_at timestamptz,
        closed_at timestamptz,
        close_reason text,
        duplicate_reports int NOT NULL DEFAULT 0,
        duplicate_key text NOT NULL
      );
      CREATE INDEX alerts_duplicates ON ${s}.alerts (duplicate_key, last_seen_at) WHERE status = 'open';
      CREATE INDEX alerts_due ON ${s}.alerts (next_widening_at) WHERE status = 'open' AND next_widening_at IS NOT NULL;

      CREATE TABLE ${s}.idempotency_keys (
        upstream_system_id text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status_code int NOT NULL,
        answer jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (upstream_system_id, idempotency_key)
      );

      -- p_batch: [{ upstreamSystemId, idempotencyKey, requestHash, duplicateKey, lastSeenAt, windowHours,
      --             open: { append: <append_events item>, alert: <alerts row but child, reporter and
      --                     last_seen, which come from the first event's data>, answer },
      --             link: <event without alertId/caseId, which the matched alert supplies> }]
      -- returns, per item: { outcome: "opened"|"linked"|"replayed"|"key-reused", status, answer }
      -- Items are classified one by one (a later item sees what earlier ones in the batch did), then
      -- written set-wise: one append_events call, one insert per table.
      CREATE FUNCTION ${s}.accept_reports(p_batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        item jsonb;
        idem text;
        prior jsonb;
        target jsonb;
        first_data jsonb;
        answer jsonb;
        code int;
        outcome text;
        ver int;
        i int;
        -- plpgsql appends to arrays in place; growing one jsonb value would copy it every time
        seen_idem text[] := '{}';
        seen_result int[] := '{}';
        opened_keys text[] := '{}';
        opened_targets jsonb[] := '{}';
        linked_ids text[] := '{}';
        linked_versions int[] := '{}';
        linked_counts int[] := '{}';
        appends jsonb[] := '{}';
        opened jsonb[] := '{}';
        records jsonb[] := '{}';
        results jsonb[] := '{}';
      BEGIN
        -- Under the write lock no other report, widening or closing interleaves: a retry finds the
        -- first attempt's record, and two reports of one child cannot both open an alert.
        PERFORM ${s}.lock_event_writes();
        FOR item IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
          idem := (item->>'upstreamSystemId') || E'\x1f' || (item->>'idempotencyKey');
          i := array_position(seen_idem, idem);
          IF i IS NOT NULL THEN
            prior := records[seen_result[i]];
          ELSE
            SELECT jsonb_build_object('request_hash', request_hash, 'answer', k.answer) INTO prior FROM ${s}.idempotency_keys k
             WHERE upstream_system_id = item->>'upstreamSystemId' AND idempotency_key = item->>'idempotencyKey';
          END IF;
          IF prior IS NOT NULL THEN
            IF prior->>'request_hash' = item->>'requestHash' THEN
              results := results || jsonb_build_object('outcome', 'replayed', 'status', 200, 'answer', prior->'answer');
            ELSE
              results := results || jsonb_build_object('outcome', 'key-reused');
            END IF;
            CONTINUE;
          END IF;

          i := array_position(opened_keys, item->>'duplicateKey');
          target := CASE WHEN i IS NOT NULL AND abs(extract(epoch FROM
                      (opened_targets[i]->>'lastSeenAt')::timestamptz - (item->>'lastSeenAt')::timestamptz))
                      <= (item->>'windowHours')::int * 3600 THEN opened_targets[i] END;
          IF target IS NULL THEN
            SELECT jsonb_build_object('alertId', alert_id, 'caseId', case_id, 'version', stream_version) INTO target FROM ${s}.alerts
             WHERE status = 'open' AND duplicate_key = item->>'duplicateKey'
               AND last_seen_at BETWEEN (item->>'lastSeenAt')::timestamptz - make_interval(hours => (item->>'windowHours')::int)
                                    AND (item->>'lastSeenAt')::timestamptz + make_interval(hours => (item->>'windowHours')::int)
             ORDER BY opened_at LIMIT 1;
          END IF;

          IF target IS NOT NULL THEN
            i := array_position(linked_ids, target->>'alertId');
            ver := CASE WHEN i IS NULL THEN (target->>'version')::int ELSE linked_versions[i] END;
            appends := appends || jsonb_build_object(
              'streamId', 'alert-' || (target->>'alertId'),
              'expected', ver,
              'events', jsonb_build_array(item->'link' || jsonb_build_object(
                'caseId', target->'caseId',
                'data', (item->'link'->'data') || jsonb_build_object('alertId', target->'alertId', 'caseId', target->'caseId'))));
            IF i IS NULL THEN
              linked_ids := linked_ids || (target->>'alertId');
              linked_versions := linked_versions || (ver + 1);
              linked_counts := linked_counts || 1;
            ELSE
              linked_versions[i] := ver + 1;
              linked_counts[i] := linked_counts[i] + 1;
            END IF;
            outcome := 'linked';
            code := 200;
            answer := jsonb_build_object('alertId', target->'alertId', 'caseId', target->'caseId', 'status', 'open', 'duplicateOf', target->'alertId');
          ELSE
            appends := appends || (item->'open'->'append');
            first_data := item->'open'->'append'->'events'->0->'data';
            opened := opened || (item->'open'->'alert' || jsonb_build_object(
              'child', first_data->'child', 'reporter', first_data->'reporter', 'last_seen', first_data->'lastSeen'));
            IF NOT (item->>'duplicateKey') = ANY(opened_keys) THEN
              opened_keys := opened_keys || (item->>'duplicateKey');
              opened_targets := opened_targets || jsonb_build_object(
                'alertId', item->'open'->'alert'->'alert_id', 'caseId', item->'open'->'alert'->'case_id',
                'version', item->'open'->'alert'->'stream_version', 'lastSeenAt', item->'lastSeenAt');
            END IF;
            outcome := 'opened';
            code := 201;
            answer := item->'open'->'answer';
          END IF;
          records := records || jsonb_build_object(
            'upstream_system_id', item->'upstreamSystemId', 'idempotency_key', item->'idempotencyKey',
            'request_hash', item->'requestHash', 'status_code', code, 'answer', answer);
          seen_idem := seen_idem || idem;
          seen_result := seen_result || cardinality(records);
          results := results || jsonb_build_object('outcome', outcome, 'status', code, 'answer', answer);
        END LOOP;

        -- append_events slows down per item as its batch grows; slices keep it at its fastest
        FOR i IN 0 .. (cardinality(appends) + 15) / 16 - 1 LOOP
          IF EXISTS (SELECT 1 FROM jsonb_array_elements(${s}.append_events(to_jsonb(appends[i * 16 + 1 : i * 16 + 16]))) r
                      WHERE r->>'status' <> 'ok') THEN
            RAISE EXCEPTION 'accept_reports: the event store refused an append of this batch';
          END IF;
        END LOOP;
        INSERT INTO ${s}.alerts SELECT * FROM jsonb_populate_recordset(NULL::${s}.alerts, to_jsonb(opened));
        UPDATE ${s}.alerts a SET stream_version = l.version, duplicate_reports = a.duplicate_reports + l.n
          FROM unnest(linked_ids, linked_versions, linked_counts) AS l(alert_id, version, n)
         WHERE a.alert_id = l.alert_id;
        INSERT INTO ${s}.idempotency_keys (upstream_system_id, idempotency_key, request_hash, status_code, answer)
        SELECT * FROM jsonb_to_recordset(to_jsonb(records))
            AS r(upstream_system_id text, idempotency_key text, request_hash text, status_code int, answer jsonb);
        RETURN to_jsonb(results);
      END $fn$;
    `,
};
