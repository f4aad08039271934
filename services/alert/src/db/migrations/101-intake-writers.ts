import type { Migration } from '@rapid-search/events';

/**
 * Intake decided in TypeScript and written through the store's group commit. `accept_reports`
 * and `lock_event_writes`, which read state under the store's write lock ahead of the append, go.
 * The writers take rows built in TypeScript and write them as they are, alongside the events of
 * the appends that carry them (libs/events store/alongside.ts), under their unique constraints: an
 * Idempotency-Key is answered once, and a child's alerts are numbered, so two reports that read
 * the same number for one child (both finding no open alert) cannot both open one.
 */
export const intakeWriters: Migration = {
  version: 101,
  name: 'intake writers alongside appends, and the child alert number',
  sql: (s) => `
      DROP FUNCTION ${s}.accept_reports(jsonb);
      DROP FUNCTION ${s}.lock_event_writes();

      ALTER TABLE ${s}.alerts ADD COLUMN child_version int;
      UPDATE ${s}.alerts a SET child_version = n.v
        FROM (SELECT alert_id, row_number() OVER (PARTITION BY duplicate_key ORDER BY opened_at, alert_id) - 1 AS v FROM ${s}.alerts) n
       WHERE a.alert_id = n.alert_id;
      ALTER TABLE ${s}.alerts ALTER COLUMN child_version SET NOT NULL;
      CREATE UNIQUE INDEX alerts_child_version ON ${s}.alerts (duplicate_key, child_version);

      CREATE FUNCTION ${s}.open_alerts(p_rows jsonb) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ${s}.alerts SELECT * FROM jsonb_populate_recordset(NULL::${s}.alerts, p_rows);
      END $$;

      CREATE FUNCTION ${s}.save_alert_states(p_rows jsonb) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE ${s}.alerts a
           SET stream_version = r.stream_version, status = r.status, radius_km = r.radius_km, next_widening_at = r.next_widening_at,
               duplicate_reports = r.duplicate_reports, closed_at = r.closed_at, close_reason = r.close_reason
          FROM jsonb_populate_recordset(NULL::${s}.alerts, p_rows) r
         WHERE a.alert_id = r.alert_id;
      END $$;

      CREATE FUNCTION ${s}.record_answers(p_rows jsonb) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ${s}.idempotency_keys (upstream_system_id, idempotency_key, request_hash, status_code, answer)
        SELECT upstream_system_id, idempotency_key, request_hash, status_code, answer
          FROM jsonb_populate_recordset(NULL::${s}.idempotency_keys, p_rows);
      END $$;
    `,
};
