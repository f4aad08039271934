import type { Migration } from '@rapid-search/events';

/**
 * Intake's lookup (db/intake-lookup.ts) as a function, for its plan: a statement planned on every
 * call costs more than the lookup itself, and a function's plan is kept by its session. Per key, in
 * the order given: the answer the key already got, the child's open alerts in the order they were
 * opened (their state columns, as stateOf reads them), and the child's next alert number.
 */
export const intakeLookup: Migration = {
  version: 102,
  name: 'intake lookup function; the child alert number indexes duplicates',
  sql: (s) => `
      -- The lookup finds a child's alerts by their number; the index of open alerts by sighting is unused.
      DROP INDEX ${s}.alerts_duplicates;

      CREATE FUNCTION ${s}.look_up_intake(p_upstreams text[], p_keys text[], p_children text[]) RETURNS json
        LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
      BEGIN
        RETURN (
          SELECT coalesce(json_agg(json_build_object(
                   'prior', (SELECT json_build_object('requestHash', request_hash, 'status', status_code, 'answer', answer)
                               FROM ${s}.idempotency_keys WHERE upstream_system_id = k.upstream AND idempotency_key = k.key),
                   'open', c.open,
                   'childVersion', c.next) ORDER BY k.n), '[]')
            FROM unnest(p_upstreams, p_keys, p_children) WITH ORDINALITY AS k(upstream, key, child, n)
            CROSS JOIN LATERAL (
              SELECT coalesce(json_agg(a ORDER BY a.child_version) FILTER (WHERE a.status = 'open'), '[]') AS open,
                     coalesce(max(a.child_version) + 1, 0) AS next
                FROM (SELECT alert_id, case_id, status, last_seen, radius_km, stream_version, duplicate_reports, closed_at, close_reason, child_version
                        FROM ${s}.alerts WHERE duplicate_key = k.child) a) c
        );
      END $$;
    `,
};
