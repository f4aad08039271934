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
