import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const KAFKA_JS = fileURLToPath(new URL('../../../../infra/kafka/kafka.js', import.meta.url));

/**
 * The fault run's own Kafka broker: infra/kafka/kafka.js with a run folder of its own
 * (KAFKA_RUN_DIR) and a port of its own, so the run may stop and restart it while the broker
 * that other tests share keeps running.
 */
export interface DedicatedBroker {
  brokers: string;
  runDir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Kills it if it still runs and removes its folder; safe at any time, and more than once. */
  destroy(): void;
}

export async function startDedicatedBroker(): Promise<DedicatedBroker> {
  const port = await freePort({ pair: true });
  const runDir = mkdtempSync(join(tmpdir(), 'rs-faults-kafka-'));
  const brokers = `127.0.0.1:${port}`;
  const env = { ...process.env, KAFKA_RUN_DIR: runDir, KAFKA_BROKERS: brokers };
  const cli = (command: 'start' | 'stop') => kafkaCli(command, env);
  const broker: DedicatedBroker = {
    brokers,
    runDir,
    start: () => cli('start'),
    stop: () => cli('stop'),
    destroy: () => {
      const pid = brokerPid(runDir);
      if (pid !== undefined) killGroup(pid);
      rmSync(runDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
  try {
    await broker.start();
  } catch (error) {
    broker.destroy();
    throw error;
  }
  return broker;
}

function kafkaCli(command: 'start' | 'stop', env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KAFKA_JS, command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`kafka.js ${command} failed (${code}):\n${output.trim()}`))));
  });
}

/** The broker's pid, only if that process really is the broker of this run folder. */
function brokerPid(runDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(runDir, 'kafka.pid'), 'utf8'), 10);
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`-Dkafka.logs.dir=${runDir}\0`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The broker leads its own process group. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
