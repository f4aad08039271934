import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, TEST_JWKS, TEST_PERSONAL_DATA_KEK, TEST_KAFKA_BROKERS, testTopicPrefix } from '@rapid-search/events/testing';
import { waitUntilReady } from '@rapid-search/scripts/services';

type Service = 'alert' | 'dispatch' | 'ledger';
const PORTS: Record<Service, number> = { alert: 3131, dispatch: 3132, ledger: 3133 };
const START = fileURLToPath(new URL('../../scripts/dist/src/start.js', import.meta.url));

export interface Hostile {
  logDir: string;
  call(
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
    service?: Service,
  ): Promise<{ status: number; body: unknown }>;
  /** A body sent as the bytes given, for what JSON.stringify would never write. */
  raw(
    method: 'POST',
    path: string,
    token: string,
    text: string,
    headers?: Record<string, string>,
    service?: Service,
  ): Promise<{ status: number; body: unknown }>;
  /** Rows in a table of the system's database: what a refused request must not have added to. */
  count(table: string): Promise<number>;
  until(check: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** `npm start` with its own database, ports, topics and data folder (so its logs are its own). */
export async function hostileSystem(): Promise<Hostile> {
  const db = await createTestDatabase('hostile');
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-hostile-'));
  const child = spawn(process.execPath, [START], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: testTopicPrefix(),
      RS_TOKEN_JWKS: TEST_JWKS,
      RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
      RS_DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      ALERT_PORT: String(PORTS.alert),
      DISPATCH_PORT: String(PORTS.dispatch),
      LEDGER_PORT: String(PORTS.ledger),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        setTimeout(() => resolve(), 20_000).unref();
      });
    }
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group has gone already
    }
    await pool.end();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = (service: Service) => `http://127.0.0.1:${PORTS[service]}`;
  try {
    await Promise.all((Object.keys(PORTS) as Service[]).map((s) => waitUntilReady(url(s), 120_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  const send = async (method: string, path: string, token: string, text: string | undefined, headers: Record<string, string>, service: Service) => {
    const response = await fetch(`${url(service)}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(text === undefined ? {} : { body: text }),
    });
    const answer = await response.text();
    let body: unknown = answer;
    try {
      body = JSON.parse(answer);
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, body };
  };
  return {
    logDir: join(dataDir, 'logs'),
    call: (method, path, token, body, headers = {}, service = 'alert') =>
      send(method, path, token, body === undefined ? undefined : JSON.stringify(body), headers, service),
    raw: (method, path, token, text, headers = {}, service = 'alert') => send(method, path, token, text, headers, service),
    count: async (table) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n),
    until: async (check, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop,
  };
}
