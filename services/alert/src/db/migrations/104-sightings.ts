import type { Migration } from '@rapid-search/events';

/**
 * A confirmed sighting moves an alert's last-seen place and time: the state writer keeps them in
 * the row too, so reads and the duplicate window follow the child.
 */
export const sightings: Migration = {
  version: 104,
  name: 'the state writer keeps the last-seen place',
  sql: (s) => `
      CREATE OR REPLACE FUNCTION ${s}.save_alert_states(p_rows jsonb) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE ${s}.alerts a
           SET stream_version = r.stream_version, status = r.status, radius_km = r.radius_km, next_widening_at = r.next_widening_at,
               duplicate_reports = r.duplicate_reports, closed_at = r.closed_at, close_reason = r.close_reason,
               last_seen = COALESCE(r.last_seen, a.last_seen), last_seen_at = COALESCE(r.last_seen_at, a.last_seen_at)
          FROM jsonb_populate_recordset(NULL::${s}.alerts, p_rows) r
         WHERE a.alert_id = r.alert_id;
      END $$;
    `,
};
