import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createKafka, createLogger, kafkaReachable } from '@rapid-search/events';
import { TEST_KAFKA_BROKERS } from '@rapid-search/events/testing';
import { waitUntilReady } from '@rapid-search/scripts/services';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A bench needs a real broker: the one at KAFKA_BROKERS, else the local KRaft broker, started here. */
export async function ensureKafka(): Promise<void> {
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'bench-probe', logger: createLogger('bench', 'silent') });
  if (await kafkaReachable(kafka, 3000)) return;
  console.log('no Kafka broker answers; starting one (npm run kafka:start)');
  spawnSync(process.execPath, ['infra/kafka/kafka.js', 'start'], { cwd: ROOT, stdio: 'inherit' });
}

/** Waits for a service the bench started to say it is ready; fails at once if it exits instead. */
export async function waitForService(name: string, child: ChildProcess, url: string): Promise<void> {
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`))));
  await Promise.race([waitUntilReady(url, 60_000), exited]);
}

/** Peak resident memory of a process, in MB (VmHWM). */
export function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** A bench offers one caller's load far past what any caller may send in service: the limits step aside. */
export const BENCH_LIMITS = {
  RS_RATE_LIMIT_PER_CALLER_PER_MINUTE: String(1e9),
  RS_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: String(1e9),
  RS_HTTP_CONNECTIONS_PER_ADDRESS: String(1e6),
  ALERT_TIPS_PER_SENDER_PER_MINUTE: String(1e9),
  ALERT_TIPS_PER_ALERT_PER_MINUTE: String(1e9),
};

/** The service processes `npm start` spawned, by name, from the start process's children. */
export function serviceProcesses(parent: number): Record<string, number> {
  const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  const named: Record<string, number> = {};
  for (const pid of children) {
    const match = /services\/(\w+)\/dist\/main\.js/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    if (match) named[match[1]!] = pid;
  }
  return named;
}

/**
 * Deletes the topics a run made under its prefix, as it drops its database: a broker that keeps
 * every run's partitions works harder with each run, and the next run would measure that too.
 */
export async function deleteTopics(prefix: string): Promise<void> {
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'bench-cleanup', logger: createLogger('bench', 'silent') });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
