import type { Migration } from '@rapid-search/events';
import { GENESIS_HASH } from './audit/canonical.js';

/**
 * The ledger's own tables, after the kernel's event store (versions < 100):
 * - a second enforcement of 案件不破，专案组不得撤销 on the case events themselves, so a dissolution
 *   written around the service (a script, a bad migration) is refused by the database too;
 * - the hash-chained audit ledger. `entry` holds the canonical JSON text, the very bytes that were
 *   hashed (a jsonb column would re-format them), so verification hashes what is stored;
 * - the chain's append as one function: the head, the links and their hashes in one round trip;
 * - the statistics' projection, one row per case (no personal data), read by GET /v1/stats;
 * - the chain's records of personal data unmasked under a grant, found by GET /v1/ledger/unmaskings;
 * - the closures and erasures the retention sweep looks for.
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
  {
    version: 102,
    name: 'append to the chain in one statement',
    // The chain has one head, and the consumer works several partitions at once: the advisory lock
    // makes each read-head-then-insert wait for the previous one to commit, so links never fork.
    // Hashing here, beside the head, is what lets a chunk cost one statement and hold the lock for
    // only that statement. hash = sha256(prev_hash || entry) over UTF-8, lowercase hex, as
    // canonical.ts computes it when verifying. An event id already on the chain, or twice in the
    // batch, is passed over. Without JIT: an array-driven plan looks costly enough to compile.
    sql: (s) => `
      CREATE FUNCTION ${s}.append_to_chain(
        p_topic text[], p_event_id uuid[], p_type text[], p_case_id text[],
        p_stream_id text[], p_stream_version int[], p_entry text[]
      ) RETURNS int LANGUAGE plpgsql SET jit = off AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        taken uuid[];
        picked int[] := '{}';
        seqs bigint[] := '{}';
        prevs text[] := '{}';
        hashes text[] := '{}';
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('${s}.entries chain'));
        SELECT seq, hash INTO head_seq, head_hash FROM ${s}.entries ORDER BY seq DESC LIMIT 1;
        head_seq := coalesce(head_seq, 0);
        head_hash := coalesce(head_hash, '${GENESIS_HASH}');
        SELECT coalesce(array_agg(event_id), '{}') INTO taken FROM ${s}.entries WHERE event_id = ANY (p_event_id);
        FOR i IN 1 .. coalesce(cardinality(p_event_id), 0) LOOP
          CONTINUE WHEN p_event_id[i] = ANY (taken);
          taken := taken || p_event_id[i];
          head_seq := head_seq + 1;
          picked := picked || i;
          seqs := seqs || head_seq;
          prevs := prevs || head_hash;
          head_hash := encode(sha256(convert_to(head_hash || p_entry[i], 'UTF8')), 'hex');
          hashes := hashes || head_hash;
        END LOOP;
        INSERT INTO ${s}.entries (seq, topic, event_id, type, case_id, stream_id, stream_version, entry, prev_hash, hash)
        SELECT l.seq, p_topic[l.i], p_event_id[l.i], p_type[l.i], p_case_id[l.i], p_stream_id[l.i], p_stream_version[l.i],
               p_entry[l.i], l.prev_hash, l.hash
        FROM unnest(picked, seqs, prevs, hashes) AS l(i, seq, prev_hash, hash);
        RETURN cardinality(picked);
      END $$;
    `,
  },
  {
    version: 103,
    name: 'hash checks without a regular expression',
    // The same rule as 101's (64 lowercase hex digits), checked without the regex engine, which
    // builds its automaton anew for every row, a cost every appended entry paid twice.
    sql: (s) => `
      ALTER TABLE ${s}.entries
        DROP CONSTRAINT entries_prev_hash_check,
        DROP CONSTRAINT entries_hash_check,
        ADD CONSTRAINT entries_prev_hash_check CHECK (length(prev_hash) = 64 AND ltrim(prev_hash, '0123456789abcdef') = ''),
        ADD CONSTRAINT entries_hash_check CHECK (length(hash) = 64 AND ltrim(hash, '0123456789abcdef') = '');
    `,
  },
  {
    version: 104,
    name: 'signed checkpoints',
    // A checkpoint is kept as signed: signed_at is the very text the signature covers. Append-only
    // like the chain, though an auditor's proof is the copy they hold, not this table.
    sql: (s) => `
      CREATE TABLE ${s}.signed_checkpoints (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seq bigint NOT NULL CHECK (seq > 0),
        hash text NOT NULL CHECK (length(hash) = 64 AND ltrim(hash, '0123456789abcdef') = ''),
        signed_at text NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL,
        public_key text NOT NULL,
        requested_by text NOT NULL
      );
      CREATE TRIGGER signed_checkpoints_append_only BEFORE UPDATE OR DELETE ON ${s}.signed_checkpoints
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_history_rewrite();
      CREATE TRIGGER signed_checkpoints_no_truncate BEFORE TRUNCATE ON ${s}.signed_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_history_rewrite();
    `,
  },
  {
    version: 110,
    name: 'case statistics',
    // Periods are chosen by the report's time, then cut by region prefix and drill flag.
    sql: (s) => `
      CREATE TABLE ${s}.case_stats (
        case_id text PRIMARY KEY,
        region_code text,
        reported_at timestamptz,
        exercise boolean NOT NULL DEFAULT false,
        duplicate_reports uuid[] NOT NULL DEFAULT '{}',
        first_cap_alert_at timestamptz,
        first_ack_at timestamptz,
        found_at timestamptz,
        withdrawn_at timestamptz
      );
      CREATE INDEX case_stats_reported ON ${s}.case_stats (reported_at, region_code) WHERE reported_at IS NOT NULL;
    `,
  },
  {
    version: 115,
    name: 'a withdrawn report lets its group stand down',
    sql: (s) => `
      CREATE OR REPLACE FUNCTION ${s}.refuse_premature_dissolution() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM ${s}.events WHERE stream_id = NEW.stream_id AND type IN ('CaseSolved', 'ReportWithdrawn')) THEN
          RAISE EXCEPTION 'CASE_NOT_SOLVED: % has no CaseSolved event (案件不破，专案组不得撤销)', NEW.stream_id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
    `,
  },
  {
    version: 120,
    name: 'unmaskings on the chain',
    // A handful among all entries, listed newest first: the partial index holds only them.
    sql: (s) => `
      CREATE INDEX entries_unmaskings ON ${s}.entries (seq DESC) WHERE type = 'PersonalDataUnmasked';
    `,
  },
  {
    version: 125,
    name: 'closures and erasures for the retention sweep',
    // The sweep looks every minute for the few events that close or erase a case among all of them.
    sql: (s) => `
      CREATE INDEX events_closures ON ${s}.events (case_id) WHERE type IN ('CaseSolved', 'ReportWithdrawn', 'PersonalDataErased');
    `,
  },
];
