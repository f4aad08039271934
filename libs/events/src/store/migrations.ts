import type { Pool } from 'pg';
import { advisoryKey, quoteIdent } from './sql.js';
import { inTransaction } from './transaction.js';

export interface Migration {
  version: number;
  name: string;
  sql: (schema: string) => string;
}

/**
 * Applies versioned migrations under a transaction-scoped advisory lock, so two processes starting
 * at once apply each migration exactly once and the second simply finds them done.
 */
export async function migrate(pool: Pool, schema: string, migrations: readonly Migration[]): Promise<number[]> {
  const s = quoteIdent(schema);
  return inTransaction(pool, async (client) => {
    const applied: number[] = [];
    await client.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey(`${schema}:migrations`)]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)).rows.map((r) => r.version));
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
