/**
 * The whole system under load: started as `npm start` starts it (three service processes, real
 * Postgres in a fresh database, real Kafka), 50 consoles connected, and 100 alerts/s for 60 s posted
 * from this separate process, after 10 s at the same rate to warm the system up (reported on its
 * own line), with 10 public tips/s beside them, each about an alert answered before. Prints
 * p50/p95/p99 from the POST's answer to the first task of that case on the console of the center
 * it was assigned to, and from a tip's answer to its lead-verification task on a console, each service's peak RSS, and the CPU milliseconds per
 * measured alert of each process the system runs on: the three services, their Postgres sessions,
 * the broker (shared with whatever else uses it) and this bench, counted until the ledger has chained
 * every event of the run.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { readSeed, signToken } from '@rapid-search/events';
import { createTestDatabase, TEST_JWKS, TEST_PERSONAL_DATA_KEK, TEST_KAFKA_BROKERS, TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import { waitUntilReady } from '@rapid-search/scripts/services';
import { deleteTopics, peakRssMb, percentile, ROOT, BENCH_LIMITS, serviceProcesses } from '../shared/processes.js';
import { brokerPid, CpuMeter, postgresBackends } from '../shared/cpu.js';
import { ledgerCaughtUp } from './ledger-caught-up.js';
import pg from 'pg';
import { loadavg } from 'node:os';
import { z } from 'zod';
import { LOAD_PLACES as PLACES } from '@rapid-search/scripts/places';

/** Tells this run's idempotency keys from an earlier run's. */
const RUN = randomBytes(4).toString('hex');
const PREFIX = `bench${randomBytes(3).toString('hex')}.`;

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
/** Seconds at the same rate before the measured ones, while V8 compiles the hot paths; reported apart. */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const CONSOLES = Number(process.env.BENCH_CONSOLES ?? 50);
const TIP_RATE = Number(process.env.BENCH_TIP_RATE ?? 10);
const PORT = Number(process.env.BENCH_E2E_PORT ?? 3201);
const ports = { alert: PORT, dispatch: PORT + 1, ledger: PORT + 2 };
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const EVENT = Buffer.from('{"type":"event"');
const CASE_ID = Buffer.from('"caseId":"');
const LEAD = Buffer.from('"type":"LeadVerificationTaskAssigned"');
const TIP_ID = Buffer.from('"tipId":"');

// A system already on these ports (an `npm start`) would answer the readiness probe in place of this run's.
for (const port of Object.values(ports)) {
  const taken = await new Promise<boolean>((resolve) => {
    const probe = createServer().once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
  if (taken) throw new Error(`port ${port} is in use; set BENCH_E2E_PORT to the first of three free ports`);
}
const db = await createTestDatabase('bench_e2e');
const system = spawn(process.execPath, [`${ROOT}scripts/dist/src/start.js`], {
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: PREFIX,
    RS_TOKEN_JWKS: TEST_JWKS,
    RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
    ...BENCH_LIMITS,
    LOG_LEVEL: 'warn',
    ALERT_PORT: String(ports.alert),
    DISPATCH_PORT: String(ports.dispatch),
    LEDGER_PORT: String(ports.ledger),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
  detached: true,
});
const exited = new Promise<number | null>((resolve) => system.once('exit', resolve));
try {
  await Promise.race([
    Promise.all(Object.values(ports).map((p) => waitUntilReady(`http://127.0.0.1:${p}`, 120000))),
    exited.then((code) => Promise.reject(new Error(`the system exited early (${code}); see .data/logs/`))),
  ]);
  const services = serviceProcesses(system.pid!);
  const watcher = new pg.Client({ connectionString: db.url });
  // Dropping the database at the end ends this session too: that is no failure of the run.
  watcher.on('error', () => undefined);
  await watcher.connect();
  const database = new URL(db.url).pathname.slice(1);
  const broker = brokerPid();
  const meter = new CpuMeter(async () => ({
    ...Object.fromEntries(Object.entries(services).map(([name, pid]) => [name, [pid]])),
    postgres: await postgresBackends(watcher, database),
    broker: broker === undefined ? [] : [broker],
    bench: [process.pid],
  }));

  const centers = readSeed('command-centers.json', z.array(z.object({ id: z.string() }).passthrough())).map((c) => c.id);
  const firstTask = new Map<string, number>();
  const leadShown = new Map<string, number>();
  const sockets = await Promise.all(
    Array.from({ length: CONSOLES }, async (_, i) => {
      const center = centers[i % centers.length]!;
      const token = await signToken({ sub: center, role: 'console', commandCenterId: center }, TEST_SIGNING_KEY);
      const socket = new WebSocket(`ws://127.0.0.1:${ports.dispatch}/v1/consoles`, { headers: { authorization: `Bearer ${token}` } });
      socket.on('message', (raw: Buffer) => {
        const caseId = caseIdOf(raw);
        if (caseId && !firstTask.has(caseId)) firstTask.set(caseId, performance.now());
        const tipId = tipIdOf(raw);
        if (tipId && !leadShown.has(tipId)) leadShown.set(tipId, performance.now());
      });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      return socket;
    }),
  );

  const upstream = await signToken({ sub: 'up-kunming-110', role: 'upstream', upstreamSystemId: 'up-kunming-110' }, TEST_SIGNING_KEY);
  /** Case id → when its alert was answered, and whether that was during the warm-up. */
  const answered = new Map<string, { at: number; warmup: boolean }>();
  let failures = 0;
  const post = async (n: number) => {
    const place = PLACES[n % PLACES.length]!;
    const now = Date.now();
    const response = await postJson(
      `/v1/alerts`,
      { authorization: `Bearer ${upstream}`, 'idempotency-key': `bench-${n}-${RUN}` },
      {
        source: '110',
        reportedAt: new Date(now).toISOString(),
        child: { name: `Bench Child ${n}`, sex: n % 2 ? 'female' : 'male', ageYears: 3 + (n % 12) },
        lastSeen: {
          at: new Date(now - 10 * 60_000).toISOString(),
          lat: place.lat + ((n % 7) - 3) * 0.01,
          lon: place.lon,
          regionCode: place.regionCode,
        },
        reporter: { name: 'Bench Parent', phone: '13800000000', relation: 'mother' },
      },
    );
    if (response.status !== 201) {
      failures++;
      return;
    }
    const { caseId, alertId } = JSON.parse(response.body) as { caseId: string; alertId: string };
    answered.set(caseId, { at: response.at, warmup: n < RATE * WARMUP });
    alerts.push({ alertId, place: { lat: place.lat + ((n % 7) - 3) * 0.01, lon: place.lon, regionCode: place.regionCode } });
  };
  /** Alerts answered so far, in order: each tip is about the next of them, so no two tips of an alert collapse into one lead. */
  const alerts: { alertId: string; place: { lat: number; lon: number; regionCode: string } }[] = [];
  const tipped = new Map<string, { at: number; warmup: boolean }>();
  let tipFailures = 0;
  const tip = async (n: number, warmup: boolean) => {
    const about = alerts[n];
    if (!about) return void tipFailures++;
    const response = await postJson(
      `/v1/public/alerts/${about.alertId}/tips`,
      { 'idempotency-key': `bench-tip-${n}-${RUN}` },
      {
        seenAt: new Date().toISOString(),
        lat: about.place.lat + 0.02,
        lon: about.place.lon,
        regionCode: about.place.regionCode,
        description: `Bench tip ${n}: a child like the one described, seen near the bus stop`,
      },
    );
    if (response.status !== 201) return void tipFailures++;
    tipped.set((JSON.parse(response.body) as { tipId: string }).tipId, { at: response.at, warmup });
  };

  console.log(`posting ${RATE} alerts/s for ${WARMUP} s of warm-up, then ${SECONDS} s measured, to the whole system; ${CONSOLES} consoles connected`);
  const warmupStarted = performance.now();
  const started = warmupStarted + WARMUP * 1000;
  const inFlight: Promise<void>[] = [];
  // A tip every RATE / TIP_RATE alerts, about an alert answered a second before.
  const tipEvery = TIP_RATE > 0 ? Math.max(1, Math.round(RATE / TIP_RATE)) : Infinity;
  let tips = 0;
  for (let n = 0; n < RATE * (WARMUP + SECONDS); n++) {
    const due = warmupStarted + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (n === RATE * WARMUP) await meter.start();
    inFlight.push(post(n).catch(() => void failures++));
    if (n >= RATE && n % tipEvery === 0) {
      const about = tips++ * tipEvery;
      inFlight.push(tip(about, n < RATE * WARMUP).catch(() => void tipFailures++));
    }
  }
  await Promise.all(inFlight);
  const drainUntil = performance.now() + 20000;
  const waiting = () => [...answered.keys()].some((c) => !firstTask.has(c)) || [...tipped.keys()].some((t) => !leadShown.has(t));
  while (performance.now() < drainUntil && waiting()) await new Promise((r) => setTimeout(r, 100));
  const ledger = await ledgerCaughtUp(watcher, 60_000);
  const cpu = await meter.stop();
  await watcher.end();

  const reached = [...answered]
    .filter(([c]) => firstTask.has(c))
    .map(([c, { at, warmup }]) => ({ at, warmup, latency: Math.max(0, firstTask.get(c)! - at) }));
  const sorted = (warmup: boolean) =>
    reached
      .filter((r) => r.warmup === warmup)
      .map((r) => r.latency)
      .sort((a, b) => a - b);
  const latencies = sorted(false);
  const pct = (p: number) => percentile(latencies, p);
  const warm = sorted(true);
  // The tail in time: whether the p99 is a steady state or a few stalled seconds, and when.
  const windows = Array.from({ length: Math.ceil(SECONDS / 10) }, (_, w) =>
    reached
      .filter((r) => !r.warmup && Math.floor((r.at - started) / 10_000) === w)
      .map((r) => r.latency)
      .sort((a, b) => a - b),
  );
  console.log(`accepted ${answered.size} of ${RATE * (WARMUP + SECONDS)} alerts (${failures} failed); ${reached.length} reached a console`);
  for (const [name, pid] of Object.entries(services)) console.log(`peak RSS ${name.padEnd(9)} ${peakRssMb(pid).toFixed(0)} MB`);
  if (WARMUP > 0)
    console.log(`warm-up (${WARMUP} s, not counted below): p50=${percentile(warm, 50).toFixed(1)}ms p99=${percentile(warm, 99).toFixed(1)}ms`);
  console.log(
    ledger.behind <= 0
      ? `ledger chained everything ${ledger.seconds.toFixed(1)} s after the consoles were served (counted)`
      : `ledger still ${ledger.behind} entries behind after ${ledger.seconds.toFixed(0)} s: its remaining work is not counted`,
  );
  console.log(`p99 by 10 s window: ${windows.map((w) => percentile(w, 99).toFixed(0)).join(' / ')} ms`);
  console.log(`e2e answer→console p50=${pct(50).toFixed(1)}ms p95=${pct(95).toFixed(1)}ms p99=${pct(99).toFixed(1)}ms`);
  const leads = [...tipped]
    .filter(([id, { warmup }]) => !warmup && leadShown.has(id))
    .map(([id, { at }]) => Math.max(0, leadShown.get(id)! - at))
    .sort((a, b) => a - b);
  console.log(
    `tips: ${tipped.size} accepted (${tipFailures} failed), ${leads.length} measured reached a console as a lead; tip→console p50=${percentile(leads, 50).toFixed(1)}ms p99=${percentile(leads, 99).toFixed(1)}ms`,
  );
  const measured = RATE * SECONDS;
  let total = 0;
  for (const [name, ms] of cpu) {
    total += ms;
    console.log(`cpu ${name.padEnd(9)} ${(ms / measured).toFixed(2)} ms/alert`);
  }
  if (broker === undefined) console.log('cpu broker    not found on this machine (not counted)');
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('target: p99 < 100 ms at 100 alerts/s');
  console.log('target: tip→console p99 < 100 ms at 10 tips/s');
  console.log('target: at most 10 ms of CPU per alert, all processes together');
  console.log('target: ledger peak RSS < 250 MB');
  console.log(`e2e p99_ms=${pct(99).toFixed(1)} cpu_ms_per_alert=${(total / measured).toFixed(2)}`);
  for (const s of sockets) s.close();
} finally {
  if (system.exitCode === null) {
    system.kill('SIGINT');
    await exited;
  }
  await db.drop();
  await deleteTopics(PREFIX);
  agent.destroy();
}
// The figures are printed: nothing left open (a broker socket, a timer) keeps the bench alive.
process.exit();

/** Plain keep-alive HTTP rather than fetch: the bench shares the two cores with the system it measures. */
function postJson(path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string; at: number }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: ports.alert,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), at: performance.now() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The case id of a console's event message (a UUID), found without parsing the whole frame. */
function caseIdOf(raw: Buffer): string | undefined {
  if (!raw.subarray(0, EVENT.length).equals(EVENT)) return undefined;
  const at = raw.indexOf(CASE_ID);
  return at < 0 ? undefined : raw.toString('latin1', at + CASE_ID.length, at + CASE_ID.length + 36);
}

/** The tip id of a console's lead-verification task, found without parsing the whole frame. */
function tipIdOf(raw: Buffer): string | undefined {
  if (raw.indexOf(LEAD) < 0) return undefined;
  const at = raw.indexOf(TIP_ID);
  return at < 0 ? undefined : raw.toString('latin1', at + TIP_ID.length, raw.indexOf(34, at + TIP_ID.length));
}
