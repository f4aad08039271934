import type { Migration } from '@rapid-search/events';

/**
 * The ledger's own tables, after the kernel's event store (versions < 100):
 * - a second enforcement of 案件不破，专案组不得撤销 on the case events themselves, so a dissolution
 *   written around the service (a script, a bad migration) is refused by the database too;
 * - the hash-chained audit ledger. `entry` holds the canonical JSON text, the very bytes that were
 *   hashed (a jsonb column would re-format them), so verification hashes what is stored.
 */
export const ledgerMigrations: Migration[] = [
  {
    version: 100,
    name: 'no dissolution before solution',
    sql: (s) => `
      CREATE FUNCTION ${s}.refuse_premature_dissolution() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM ${s}.events WHERE stream_id = NEW.stream_id AND type = 'CaseSolved') THEN
          RAISE EXCEPTION 'CASE_NOT_SOLVED: % has no CaseSolved event (案件不破，专案组不得撤销)', NEW.stream_id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER events_no_dissolution_before_solution BEFORE INSERT ON ${s}.events
        FOR EACH ROW WHEN (NEW.type = 'CaseGroupDissolved') EXECUTE FUNCTION ${s}.refuse_premature_dissolution();
    `,
  },
  {
    version: 101,
    name: 'audit ledger',
    sql: (s) => `
      CREATE TABLE ${s}.entries (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        topic text NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        case_id text,
        stream_id text NOT NULL,
        stream_version int NOT NULL,
        entry text NOT NULL,
        prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX entries_stream ON ${s}.entries (stream_id, stream_version);
      CREATE INDEX entries_case ON ${s}.entries (case_id, seq) WHERE case_id IS NOT NULL;
      CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON ${s}.entries
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_history_rewrite();
      CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON ${s}.entries
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_history_rewrite();
    `,
  },
];
