/**
 * `npm run bench:dispatch`: a freshly started dispatch service (child process, throw-away
 * database, its own topic prefix) with 2,000 connected consoles spread over the seeded command
 * centers (Kunming-heavy), and QuickSearchActivated events produced straight onto the alert topic
 * at 100/s for 30 s. Prints p50/p99 from each event's produce time to the arrival of that case's
 * first task on a console of the center it was assigned to, and dispatch's peak RSS (VmHWM).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { createKafka, createLogger, encodeEvent, newId, signToken } from '@rapid-search/events';
import {
  createTestDatabase,
  publishedEnvelope,
  TEST_JWKS,
  TEST_PERSONAL_DATA_KEK,
  TEST_KAFKA_BROKERS,
  TEST_SIGNING_KEY,
} from '@rapid-search/events/testing';
import { SERVICES } from '@rapid-search/scripts/services';
import { deleteTopics, ensureKafka, peakRssMb, percentile, ROOT, waitForService, BENCH_LIMITS } from '../shared/processes.js';

const PORT = Number(process.env.BENCH_DISPATCH_PORT ?? 3902);
const CONSOLES = Number(process.env.BENCH_CONSOLES ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 30);
/** The alert service's first release radius is 100 km; 20 km is a denser-city, lighter load. */
const RADIUS_KM = Number(process.env.BENCH_RADIUS_KM ?? 20);
const KUNMING_WEIGHT = Number(process.env.BENCH_KUNMING_WEIGHT ?? 3);
/** Dispatch's V8 flags as `npm start` gives them. */
const DISPATCH_NODE_OPTIONS = SERVICES.find((s) => s.name === 'dispatch')!.nodeOptions.join(' ');
const PREFIX = `bench${randomBytes(3).toString('hex')}.`;
const logger = createLogger('bench-dispatch', 'warn');
const TASK_ASSIGNED = Buffer.from('TaskAssigned"');
const INTERCEPTIONS_ASSIGNED = Buffer.from('TasksAssigned"');
const CASE_ID = Buffer.from('"caseId":"');
const QUOTE = 0x22;
const RECORDED_AT = Buffer.from('"recordedAt":"');

/** Last-seen places from the seeds' world; Kunming's districts weigh most. */
const PLACES = [
  ...Array(3).fill({ lat: 24.96, lon: 102.76, regionCode: '530111' }),
  ...Array(2).fill({ lat: 25.04, lon: 102.7, regionCode: '530102' }),
  ...Array(2).fill({ lat: 24.89, lon: 102.82, regionCode: '530114' }),
  { lat: 24.92, lon: 102.48, regionCode: '530181' },
  { lat: 25.49, lon: 103.8, regionCode: '530302' },
  { lat: 30.66, lon: 104.06, regionCode: '510104' },
  { lat: 34.26, lon: 108.94, regionCode: '610104' },
  { lat: 29.16, lon: 107.1, regionCode: '500119' },
  { lat: 30.93, lon: 108.7, regionCode: '500235' },
  { lat: 26.65, lon: 106.63, regionCode: '520102' },
  { lat: 25.61, lon: 100.27, regionCode: '532901' },
] as { lat: number; lon: number; regionCode: string }[];

/** Kunming's seven centers get KUNMING_WEIGHT shares each, every other center one. */
function consoleCenters(): string[] {
  const centers = (JSON.parse(readFileSync(`${ROOT}seeds/command-centers.json`, 'utf8')) as { id: string }[]).map((c) => c.id);
  const weighted = centers.flatMap((id) => Array<string>(id === 'cc-kunming' || id.startsWith('cc-kunming-') ? KUNMING_WEIGHT : 1).fill(id));
  return Array.from({ length: CONSOLES }, (_, i) => weighted[i % weighted.length]!);
}

async function main(): Promise<void> {
  await ensureKafka();
  const db = await createTestDatabase('bench_dispatch');
  const child = spawn(process.execPath, ['services/dispatch/dist/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: PREFIX,
      RS_TOKEN_JWKS: TEST_JWKS,
      RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
      ...BENCH_LIMITS,
      DISPATCH_PORT: String(PORT),
      LOG_LEVEL: 'warn',
      // As services/dispatch's start script runs it: a capped young generation. Without the cap
      // V8 grows it under the fan-out's allocation rate, and peak RSS with it, past the target.
      NODE_OPTIONS: process.env.BENCH_DISPATCH_NODE_OPTIONS ?? DISPATCH_NODE_OPTIONS,
    },
  });
  try {
    await waitForService('dispatch', child, `http://127.0.0.1:${PORT}`);
    const firstArrival = new Map<string, number>();
    const producedAt = new Map<string, number>();
    const warmedUp = new Set<string>();
    /** Wall-clock split at the moment the first task was stored: Kafka + consumer, then store → console. */
    const producedWall = new Map<string, number>();
    const recordedAt = new Map<string, number>();
    const arrivedWall = new Map<string, number>();
    let taskMessages = 0;
    let cutOff = 0;
    const sockets = await Promise.all(
      consoleCenters().map(async (centerId, i) => {
        const token = await signToken({ sub: `bench-console-${i}`, role: 'console', commandCenterId: centerId }, TEST_SIGNING_KEY);
        const ws = new WebSocket(`ws://127.0.0.1:${PORT}/v1/consoles`, { headers: { authorization: `Bearer ${token}` } });
        ws.on('message', (raw: Buffer) => {
          const at = performance.now();
          if (raw.indexOf(TASK_ASSIGNED) < 0 && raw.indexOf(INTERCEPTIONS_ASSIGNED) < 0) return;
          taskMessages++;
          const from = raw.indexOf(CASE_ID);
          if (from < 0) return;
          const start = from + CASE_ID.length;
          const caseId = raw.toString('utf8', start, raw.indexOf(QUOTE, start));
          if (caseId.startsWith('warmup-')) return void warmedUp.add(caseId);
          if (firstArrival.has(caseId)) return;
          firstArrival.set(caseId, at);
          const rec = raw.indexOf(RECORDED_AT);
          if (rec >= 0)
            recordedAt.set(caseId, Date.parse(raw.toString('utf8', rec + RECORDED_AT.length, raw.indexOf(QUOTE, rec + RECORDED_AT.length))));
          arrivedWall.set(caseId, Date.now());
        });
        ws.on('close', (code) => void (code === 4008 && cutOff++));
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        return ws;
      }),
    );
    console.log(
      `${sockets.length} consoles connected (Kunming weight ${KUNMING_WEIGHT}); producing ${RATE}/s QuickSearchActivated for ${DURATION_S} s (radius ${RADIUS_KM} km); dispatch NODE_OPTIONS="${process.env.BENCH_DISPATCH_NODE_OPTIONS ?? DISPATCH_NODE_OPTIONS}"`,
    );

    const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'bench-dispatch', logger });
    const producer = kafka.producer();
    await producer.connect();
    const topic = `${PREFIX}alert.events.v1`;
    const send = (n: number, caseId: string) => {
      const place = PLACES[n % PLACES.length]!;
      const now = new Date().toISOString();
      const encoded = encodeEvent({
        type: 'QuickSearchActivated',
        data: { caseId, alertId: `alert-${caseId}`, lastSeen: { ...place, at: now }, radiusKm: RADIUS_KM, activatedAt: now },
      });
      const envelope = publishedEnvelope(encoded, caseId, {
        streamId: `alert-${caseId}`,
        position: n + 1,
        metadata: { actor: { id: 'bench', role: 'system' }, correlationId: caseId, causationId: null },
      });
      return producer.send({ topic, acks: 1, messages: [{ key: caseId, value: JSON.stringify(envelope) }] });
    };
    // Warm-up: the consumer group's first join takes seconds; measure the steady state after it.
    for (let n = 0; n < 30; n++) {
      const caseId = `warmup-${newId()}`;
      await send(n, caseId);
      const until = performance.now() + 30_000;
      while (!warmedUp.has(caseId) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    }
    taskMessages = 0;
    const total = RATE * DURATION_S;
    const start = performance.now();
    for (let n = 0; n < total; n++) {
      const wait = start + (n * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const caseId = `case-${newId()}`;
      producedAt.set(caseId, performance.now());
      producedWall.set(caseId, Date.now());
      void send(n, caseId);
    }
    const drainUntil = performance.now() + 10_000;
    while (firstArrival.size < total && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));
    const rss = `${peakRssMb(child.pid!).toFixed(0)} MB`;
    const metrics = await fetch(`http://127.0.0.1:${PORT}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) / 2 ** 20;
    const memory = `heap used ${gauge('nodejs_heap_size_used_bytes').toFixed(0)} MB of ${gauge('nodejs_heap_size_total_bytes').toFixed(0)} MB, external ${gauge('nodejs_external_memory_bytes').toFixed(0)} MB at the end`;
    const latencies = [...producedAt].flatMap(([caseId, t0]) => {
      const t1 = firstArrival.get(caseId);
      return t1 === undefined ? [] : [t1 - t0];
    });
    latencies.sort((a, b) => a - b);
    console.log(
      `dispatch: ${latencies.length}/${total} cases reached a console | produce → first task on console: ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms` +
        ` | ${taskMessages} task messages delivered to consoles | ${cutOff} consoles cut off | peak RSS ${rss}; ${memory}`,
    );
    console.log(`target: p99 < 50 ms with ${CONSOLES} consoles (2,000 by default)`);
    console.log('target: dispatch peak RSS < 200 MB');
    const split = (pick: (caseId: string) => number | undefined) => {
      const xs = [...producedAt.keys()].flatMap((c) => {
        const v = pick(c);
        return v === undefined || Number.isNaN(v) ? [] : [v];
      });
      xs.sort((a, b) => a - b);
      return `p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms`;
    };
    const timeline = [...producedAt].reduce<number[][]>((buckets, [caseId, t0]) => {
      const t1 = firstArrival.get(caseId);
      if (t1 !== undefined) (buckets[Math.floor((t0 - start) / 5000)] ??= []).push(t1 - t0);
      return buckets;
    }, []);
    console.log(
      `  p99 per 5 s of the run: ${timeline
        .map((b) =>
          percentile(
            b.sort((x, y) => x - y),
            99,
          ).toFixed(0),
        )
        .join(' ')} ms`,
    );
    console.log(
      `  split (ms clock): produce → task stored ${split((c) => (recordedAt.has(c) ? recordedAt.get(c)! - producedWall.get(c)! : undefined))}` +
        ` | stored → on console ${split((c) => (recordedAt.has(c) ? arrivedWall.get(c)! - recordedAt.get(c)! : undefined))}`,
    );
    await producer.disconnect();
    for (const ws of sockets) ws.terminate();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await db.drop();
    await deleteTopics(PREFIX);
  }
}

await main();

// The figures are printed: nothing left open (a pool, a broker socket, a timer) keeps the bench alive.
process.exit();
