import type { Migration } from '../store/migrations.js';

/**
 * The vault of data keys, in a schema of its own that every service reaches: one row per case
 * (its `subject`), the key wrapped under the key-encryption key. Erasing a case sets `wrapped` to
 * null for good; the row stays, so no later write can give the case a fresh key and new readable
 * data under it. Nothing else is ever updated and no row is deleted.
 */
export const keyringMigrations: Migration[] = [
  {
    version: 100,
    name: 'data keys',
    sql: (s) => `
      CREATE TABLE ${s}.data_keys (
        key_id text PRIMARY KEY,
        subject text NOT NULL UNIQUE,
        wrapped bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        erased_at timestamptz,
        CHECK ((wrapped IS NULL) = (erased_at IS NOT NULL))
      );
      CREATE FUNCTION ${s}.keep_erased() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR OLD.wrapped IS NULL OR NEW.wrapped IS NOT NULL OR NEW.key_id <> OLD.key_id OR NEW.subject <> OLD.subject THEN
          RAISE EXCEPTION 'a data key is only ever erased' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER data_keys_only_erased BEFORE UPDATE OR DELETE ON ${s}.data_keys FOR EACH ROW EXECUTE FUNCTION ${s}.keep_erased();
    `,
  },
];
