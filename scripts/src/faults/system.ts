import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, TEST_JWKS, TEST_PERSONAL_DATA_KEK, type TestDatabase } from '@rapid-search/events/testing';
import { waitUntilReady } from '../services.js';
import type { DedicatedBroker } from './broker.js';
import { freePorts } from './ports.js';

const START_JS = fileURLToPath(new URL('../start.js', import.meta.url));

export const SERVICE_NAMES = ['alert', 'dispatch', 'ledger'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The whole system as `npm start` runs it, on a throw-away database and ports of its own. */
export interface SystemUnderTest {
  replicas: number;
  database: TestDatabase;
  ports: Record<ServiceName, number>;
  urls: Record<ServiceName, string>;
  /** What `npm start` printed (which instance exited, how, when it came back), in order. */
  lines: string[];
  /** Stops it all; safe at any time, and more than once. */
  stop(): Promise<void>;
}

export async function startSystem(options: { replicas: number; broker: DedicatedBroker }): Promise<SystemUnderTest> {
  const database = await createTestDatabase('faults');
  const [alert, dispatch, ledger] = (await freePorts(3)) as [number, number, number];
  const ports = { alert, dispatch, ledger };
  const urls = {
    alert: `http://127.0.0.1:${ports.alert}`,
    dispatch: `http://127.0.0.1:${ports.dispatch}`,
    ledger: `http://127.0.0.1:${ports.ledger}`,
  };
  const child = spawn(process.execPath, [START_JS, '--replicas', String(options.replicas)], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      KAFKA_BROKERS: options.broker.brokers,
      // Were the broker ever down when it starts, `npm start` would start one in this folder, never in the shared one.
      KAFKA_RUN_DIR: options.broker.runDir,
      RS_TOKEN_JWKS: TEST_JWKS,
      RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ALERT_PORT: String(ports.alert),
      DISPATCH_PORT: String(ports.dispatch),
      LEDGER_PORT: String(ports.ledger),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the services are its children, so one signal to the group ends them all.
    detached: true,
  });
  const lines: string[] = [];
  for (const output of [child.stdout, child.stderr])
    createInterface({ input: output }).on('line', (line) => line.startsWith('rapid-search:') && lines.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // To `npm start` alone: it stops its instances itself, and none restarts meanwhile.
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000).unref())]);
      }
      // Whatever outlived its parent, or a start that would not stop.
      signalGroup(child.pid!, 'SIGKILL');
      await database.drop();
    })());

  const system: SystemUnderTest = { replicas: options.replicas, database, ports, urls, lines, stop };
  try {
    await Promise.race([
      Promise.all(SERVICE_NAMES.map((s) => waitUntilReady(urls[s], 120_000))),
      exited.then(() => Promise.reject(new Error(`npm start exited early:\n${lines.join('\n')}`))),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return system;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}
