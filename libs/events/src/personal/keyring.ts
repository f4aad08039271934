import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Pool } from 'pg';
import { newId } from '../ids.js';
import { dataKeyOf, newDataKey, unwrapKey, wrapKey, type DataKey } from './seal.js';

export const KEYRING_SCHEMA = 'keyring';

/** A vault row as `make_data_keys` writes it: the wrapped key in base64. */
export interface NewKeyRow {
  key_id: string;
  subject: string;
  wrapped: string;
}

/** Sealing keys kept in memory; a case's key is sought again only after this many others. */
const CACHED_KEYS = 10_000;

/**
 * The data keys of cases, wrapped under the key-encryption key in the shared vault. A case's key is
 * made the first time one of its personal fields is sealed, by whichever service comes first, or
 * with the case itself by the append that opens it (`fresh`).
 * Keys for sealing are kept in memory (sealing under a key erased meanwhile elsewhere only writes
 * what nobody can read); keys for opening are always read from the vault, so an erasure holds at
 * once for every reader of every service.
 */
export class Keyring {
  readonly #sealing = new Map<string, DataKey | 'erased'>();
  /** A key object, not bytes, for the reason `DataKey` gives. */
  readonly #kek: KeyObject;

  constructor(
    private readonly pool: Pool,
    kek: Buffer,
  ) {
    this.#kek = createSecretKey(kek);
  }

  /**
   * A key for a subject that cannot have one yet (a case this very call is opening), made here and
   * not stored: `row` goes into the vault in the transaction that first writes under the key (an
   * alongside row for a writer that inserts it into `data_keys`), so opening a case costs no
   * statement of its own for its key. `remember` it once that transaction committed; if it never
   * does, the key and whatever it sealed are simply dropped.
   */
  fresh(subject: string): { key: DataKey; row: NewKeyRow } {
    const raw = newDataKey();
    const keyId = newId().replaceAll('-', '');
    return { key: dataKeyOf(keyId, raw), row: { key_id: keyId, subject, wrapped: wrapKey(this.#kek, raw).toString('base64') } };
  }

  /** A key made by `fresh` whose row has committed: sealing under its subject uses it from now on. */
  remember(subject: string, key: DataKey): void {
    this.#cache(subject, key);
  }

  /** The key a subject's fields are sealed under, made now if it has none; `erased` once destroyed. */
  async sealingKey(subject: string): Promise<DataKey | 'erased'> {
    const cached = this.#sealing.get(subject);
    if (cached) return cached;
    // A key made at the same moment by another service is not in this statement's snapshot: the
    // next statement reads it.
    let row: { key_id: string; wrapped: Buffer | null } | undefined;
    for (let attempt = 0; !row; attempt++) {
      if (attempt === 3) throw new Error(`no data key could be made or read for ${subject}`);
      const { rows } = await this.pool.query<{ key_id: string; wrapped: Buffer | null }>({
        // Named: a statement for each new case, parsed once per session.
        name: 'keyring.sealing-key',
        text: `WITH made AS (
           INSERT INTO ${KEYRING_SCHEMA}.data_keys (key_id, subject, wrapped) VALUES ($1, $2, $3)
           ON CONFLICT (subject) DO NOTHING RETURNING key_id, wrapped)
         SELECT key_id, wrapped FROM made
         UNION ALL SELECT key_id, wrapped FROM ${KEYRING_SCHEMA}.data_keys WHERE subject = $2
         LIMIT 1`,
        values: [newId().replaceAll('-', ''), subject, wrapKey(this.#kek, newDataKey())],
      });
      row = rows[0];
    }
    const key = this.#keyOf(row);
    this.#cache(subject, key);
    return key;
  }

  #cache(subject: string, key: DataKey | 'erased'): void {
    if (this.#sealing.size >= CACHED_KEYS) this.#sealing.delete(this.#sealing.keys().next().value!);
    this.#sealing.set(subject, key);
  }

  /** The keys with these ids, each unwrapped or `erased`; an id the vault never had is left out. */
  async openingKeys(keyIds: readonly string[]): Promise<Map<string, DataKey | 'erased'>> {
    if (keyIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ key_id: string; wrapped: Buffer | null }>(
      `SELECT key_id, wrapped FROM ${KEYRING_SCHEMA}.data_keys WHERE key_id = ANY($1::text[])`,
      [[...new Set(keyIds)]],
    );
    return new Map(rows.map((r) => [r.key_id, this.#keyOf(r)]));
  }

  /** Destroys a subject's key for good (a subject without one gets an erased one); true when this call erased it. */
  async erase(subject: string): Promise<boolean> {
    this.#sealing.set(subject, 'erased');
    const { rows } = await this.pool.query<{ erased: number }>(
      `WITH made AS (
         INSERT INTO ${KEYRING_SCHEMA}.data_keys (key_id, subject, wrapped, erased_at) VALUES ($1, $2, NULL, now())
         ON CONFLICT (subject) DO NOTHING RETURNING key_id),
       destroyed AS (
         UPDATE ${KEYRING_SCHEMA}.data_keys SET wrapped = NULL, erased_at = now()
          WHERE subject = $2 AND wrapped IS NOT NULL AND NOT EXISTS (SELECT 1 FROM made) RETURNING key_id)
       SELECT (SELECT count(*) FROM made)::int + (SELECT count(*) FROM destroyed)::int AS erased`,
      [newId().replaceAll('-', ''), subject],
    );
    return rows[0]!.erased > 0;
  }

  #keyOf(row: { key_id: string; wrapped: Buffer | null }): DataKey | 'erased' {
    return row.wrapped ? dataKeyOf(row.key_id, unwrapKey(this.#kek, row.wrapped)) : 'erased';
  }
}
