/**
 * `npm run bench:alert`: drives POST /v1/alerts of a freshly started alert service (a child
 * process, against a throw-away database) and prints accepted alerts/s and p50/p99 latency. Each
 * answer comes only after its append committed. Target: 2,000 alerts/s with p99 under 20 ms.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { createTestDatabase, TEST_JWKS, TEST_PERSONAL_DATA_KEK } from '@rapid-search/events/testing';
import { deleteTopics, ensureKafka, ROOT, waitForService, BENCH_LIMITS } from '../shared/processes.js';

const PREFIX = `bench${randomBytes(3).toString('hex')}.`;
const PORT = Number(process.env.BENCH_ALERT_PORT ?? 3901);
const URL_BASE = `http://127.0.0.1:${PORT}`;
const API_KEY = 'rs_demo_f52f02aa0737cdd49159014d3d3487cc'; // up-kunming-110, seeds/demo-api-keys.json
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
/**
 * Closed-loop concurrency levels. A rate-limited run (autocannon's overallRate) releases each
 * second's requests in a burst, so its latencies measure the burst; a closed loop with N
 * connections is a steady stream whose latency is N / throughput (Little's law).
 */
const CONCURRENCY = (process.env.BENCH_CONNECTIONS ?? '16,32,64').split(',').map(Number);

let serial = 0;
/** A distinct child per request (no duplicate linking) and its own Idempotency-Key. */
function nextRequest(run: string): { headers: Record<string, string>; body: string } {
  serial += 1;
  const now = Date.now();
  return {
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': `bench-${run}-${serial}`,
    },
    body: JSON.stringify({
      source: '110',
      reportedAt: new Date(now - 60_000).toISOString(),
      child: {
        name: `Bench Child ${run}-${serial}`,
        sex: serial % 2 ? 'female' : 'male',
        ageYears: 3 + (serial % 12),
        description: 'red jacket, blue jeans',
      },
      lastSeen: { at: new Date(now - 20 * 60_000).toISOString(), lat: 24.96, lon: 102.76, regionCode: '530111', address: 'Guandu Ancient Town' },
      reporter: { name: 'Bench Reporter', phone: '13812345678', relation: 'mother' },
    }),
  };
}

async function drive(title: string, options: { connections: number; duration: number }): Promise<autocannon.Result> {
  const run = randomBytes(3).toString('hex');
  const result = await autocannon({
    url: `${URL_BASE}/v1/alerts`,
    method: 'POST',
    connections: options.connections,
    duration: options.duration,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...nextRequest(run) }) }],
  });
  const accepted = result.statusCodeStats?.['201']?.count ?? 0;
  const others = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => code !== '201');
  console.log(
    `${title}: ${(accepted / options.duration).toFixed(0)} accepted alerts/s` +
      ` | latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms` +
      ` | ${options.connections} connections` +
      ` | errors ${result.errors}, timeouts ${result.timeouts}` +
      (others.length > 0 ? ` | other statuses ${others.map(([c, s]) => `${c}×${s.count}`).join(' ')}` : ''),
  );
  return result;
}

async function main(): Promise<void> {
  await ensureKafka();
  const db = await createTestDatabase('bench_alert');
  const child = spawn(process.execPath, ['services/alert/dist/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      ALERT_PORT: String(PORT),
      RS_TOKEN_JWKS: TEST_JWKS,
      RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
      ...BENCH_LIMITS,
      KAFKA_TOPIC_PREFIX: PREFIX,
      LOG_LEVEL: 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
  });
  try {
    await waitForService('alert service', child, URL_BASE);
    console.log(`alert service ready on ${URL_BASE}; warming up`);
    await drive('warm-up', { connections: 8, duration: 3 });
    for (const connections of CONCURRENCY) await drive(`${DURATION_S} s`, { connections, duration: DURATION_S });
    console.log('target: 2,000 accepted alerts/s with p99 < 20 ms');
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const { rows } = await pool.query<{ alerts: string; events: string }>(
      `SELECT (SELECT count(*) FROM alert.alerts) AS alerts, (SELECT count(*) FROM alert.events) AS events`,
    );
    await pool.end();
    console.log(`stored: ${rows[0]!.alerts} alerts, ${rows[0]!.events} events (3 per alert expected)`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.drop();
    await deleteTopics(PREFIX);
  }
}

await main();

// The figures are printed: nothing left open (a pool, a broker socket, a timer) keeps the bench alive.
process.exit();
