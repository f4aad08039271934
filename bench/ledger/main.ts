/**
 * npm run bench:ledger — verify a ledger of 1,000,000 entries.
 *
 * A fresh database; the ledger service is started once as a child process to migrate its schema;
 * the bench then writes 1,000,000 valid, hash-chained entries (about 40 events per case from all
 * three topics, lawful case histories), and runs the audit CLI's verifier — the same code as
 * `npm run audit -- verify` and GET /v1/ledger/verify — as a child process, which reports its
 * throughput and peak RSS. Target: ≥ 250,000 entries/s, RSS < 300 MB.
 * BENCH_ENTRIES sets another size; BENCH_KEEP_DB=1 keeps the database for inspection.
 */
import { spawn, execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, TEST_CHECKPOINT_KEY, TEST_JWKS, TEST_PERSONAL_DATA_KEK } from '@rapid-search/events/testing';
import pg from 'pg';

const TOTAL = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const BATCH = 5000;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GENESIS = '0'.repeat(64);

/** Canonical JSON as LEDGER.md defines it (the service's own is in services/ledger/src/audit/canonical.ts). */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
    .join(',')}}`;
}

type Row = [number, string, string, string, string, string, number, string, string, string];

/** One case's life across the three topics: the same shape of history the services write. */
function* caseHistory(n: number): Generator<{ topic: string; stream: string; type: string; data: Record<string, unknown> }> {
  const caseId = `case-bench-${n}`;
  const at = new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
  const point = { lat: 24.96, lon: 102.76, regionCode: '530111' };
  const alert = (type: string, data: Record<string, unknown>) => ({
    topic: 'alert.events.v1',
    stream: `alert-${n}`,
    type,
    data: { caseId, alertId: `alert-${n}`, ...data },
  });
  const dispatch = (type: string, data: Record<string, unknown>) => ({
    topic: 'dispatch.events.v1',
    stream: `task-${n}-${String(data.taskId)}`,
    type,
    data: { caseId, commandCenterId: 'cc-kunming-guandu', ...data },
  });
  const ledger = (type: string, data: Record<string, unknown>) => ({
    topic: 'ledger.events.v1',
    stream: `case-${caseId}`,
    type,
    data: { caseId, ...data },
  });
  yield alert('MissingChildReported', {
    source: '110',
    upstreamSystemId: 'up-kunming-110',
    reportedAt: at,
    child: { name: `Child ${n}`, sex: 'female', ageYears: 4, description: 'pink padded jacket, two pigtails with red hair ties' },
    lastSeen: { at, ...point, address: 'Guandu Ancient Town' },
    reporter: { name: `Parent ${n}`, phone: '13812345678', relation: 'mother' },
  });
  yield alert('CaseOpened', { regionCode: '530111', mechanism: 'homicide-case', openedAt: at });
  yield alert('QuickSearchActivated', { lastSeen: { ...point, at }, radiusKm: 50, activatedAt: at });
  yield alert('PublicReleaseRadiusWidened', { center: point, fromKm: 50, toKm: 100, dueAt: at });
  yield ledger('CaseFileOpened', { alertId: `alert-${n}`, regionCode: '530111', openedAt: at });
  const taskIds = Array.from({ length: 8 }, (_, task) => `task-${n}-${task}`);
  yield {
    topic: 'dispatch.events.v1',
    stream: `interceptions-${caseId}`,
    type: 'InterceptionTasksAssigned',
    data: {
      caseId,
      assignedAt: at,
      deadlineAt: at,
      radiusKm: 50,
      tasks: taskIds.map((taskId, task) => ({
        taskId,
        commandCenterId: 'cc-kunming',
        hub: { id: `hub-${task}`, name: 'Kunming Railway Station', kind: 'railway', ...point },
        distanceKm: 12.5,
      })),
    },
  };
  for (const taskId of taskIds) {
    yield dispatch('TaskAcknowledged', { taskId, acknowledgedBy: 'officer-kunming-li-ming', acknowledgedAt: at });
    yield dispatch('TaskCompleted', { taskId, outcome: 'no sighting', completedBy: 'officer-kunming-li-ming', completedAt: at });
  }
  const chief = { officerId: 'officer-kunming-yang-jianguo', name: 'Yang Jianguo', title: 'Director, Kunming PSB', unitLevel: 'city' };
  yield ledger('CaseGroupFormed', { chief, packages: { investigation: 'officer-a', rescue: 'officer-b', familySupport: 'officer-c' }, formedAt: at });
  yield ledger('PackageProgressNoted', { package: 'investigation', note: 'suspects traced', notedAt: at });
  yield dispatch('DnaMatchFound', {
    taskId: `task-${n}-dna`,
    sampleId: `s-${n}`,
    labId: 'lab-kunming',
    matchRef: `match-${n}`,
    confirmation: 'confirming',
    foundAt: at,
  });
  yield dispatch('ParentsIdentifiedByDna', { taskId: `task-${n}-dna`, sampleIds: [`s-${n}`], matchRef: `match-${n}`, identifiedAt: at });
  yield ledger('ChildRescued', {
    foundAt: { lat: 25.07, lon: 103.74, regionCode: '530322' },
    household: { id: `household-${n}`, headOfHousehold: 'Zhou', address: 'Luliang' },
    rescuedAt: at,
  });
  yield ledger('ParentsIdentified', { method: 'dna', evidenceRef: `match-${n}`, identifiedAt: at });
  yield ledger('ChildReturnedToParents', { returnedAt: at });
  yield ledger('CaseSolved', { summary: 'traffickers arrested', solvedAt: at });
  yield ledger('CaseGroupDissolved', { reason: 'case solved', dissolvedAt: at });
  yield alert('AlertClosed', { reason: 'child found', closedAt: at });
}

function* ledgerRows(): Generator<Row> {
  let prev = GENESIS;
  let seq = 0;
  const versions = new Map<string, number>();
  for (let n = 0; ; n++) {
    versions.clear();
    for (const e of caseHistory(n)) {
      if (seq === TOTAL) return;
      seq++;
      const streamVersion = (versions.get(e.stream) ?? 0) + 1;
      versions.set(e.stream, streamVersion);
      const at = String(e.data.openedAt ?? e.data.reportedAt ?? new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString());
      const envelope = {
        eventId: randomUUID(),
        type: e.type,
        version: 1,
        streamId: e.stream,
        streamVersion,
        position: seq,
        caseId: e.data.caseId,
        metadata: { actor: { id: 'bench', role: 'system' }, correlationId: `corr-${n}`, causationId: null },
        occurredAt: at,
        recordedAt: at,
        data: e.data,
      };
      const entry = canonical(envelope);
      const hash = createHash('sha256').update(prev).update(entry).digest('hex');
      yield [seq, e.topic, envelope.eventId, e.type, String(e.data.caseId), e.stream, streamVersion, entry, prev, hash];
      prev = hash;
    }
  }
}

async function migrateWithService(databaseUrl: string): Promise<void> {
  const child = spawn(process.execPath, ['services/ledger/dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      LEDGER_PORT: '0',
      RS_TOKEN_JWKS: TEST_JWKS,
      RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
      LEDGER_CHECKPOINT_KEY: TEST_CHECKPOINT_KEY,
      LOG_LEVEL: 'warn',
      KAFKA_TOPIC_PREFIX: `bench${Date.now()}.`,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    for (let i = 0; ; i++) {
      const { rows } = await pool.query(`SELECT to_regclass('ledger.entries') AS t`);
      if (rows[0].t) break;
      if (i > 600 || child.exitCode !== null) throw new Error('the ledger service did not migrate its schema');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await pool.end();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function load(databaseUrl: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let batch: Row[] = [];
  const flush = async (rows: Row[]) => {
    const columns = Array.from({ length: 10 }, (_, i) => rows.map((r) => r[i]));
    await pool.query(
      `INSERT INTO ledger.entries (seq, topic, event_id, type, case_id, stream_id, stream_version, entry, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])`,
      columns,
    );
  };
  for (const row of ledgerRows()) {
    batch.push(row);
    if (batch.length === BATCH) {
      const p = flush(batch).finally(() => inFlight.delete(p));
      inFlight.add(p);
      batch = [];
      if (inFlight.size >= 2) await Promise.race(inFlight);
    }
  }
  if (batch.length > 0) await flush(batch);
  await Promise.all(inFlight);
  // Settle the load before timing: an audited ledger is not being bulk-written while it is verified,
  // and the checkpoint of a gigabyte just written would otherwise compete with the verification.
  await pool.query('VACUUM ANALYZE ledger.entries');
  await pool.query('CHECKPOINT');
  await pool.end();
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const db = await createTestDatabase('ledger_bench');
  try {
    await migrateWithService(db.url);
    const loadSeconds = await load(db.url);
    console.log(`generated and stored ${TOTAL.toLocaleString('en')} hash-chained entries in ${loadSeconds.toFixed(1)} s`);
    for (let run = 1; run <= 2; run++) {
      // Exactly what an auditor runs (`npm run audit -- verify`), heap cap included.
      const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', 'audit', '--', 'verify', '--stats'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: db.url },
        maxBuffer: 16 * 2 ** 20,
      });
      const report = JSON.parse(stdout) as { ok: boolean; entries: number; violations: unknown[] };
      const stats = JSON.parse(stderr.trim().split('\n').pop()!) as { seconds: number; entriesPerSecond: number; peakRssBytes: number };
      console.log(
        `verify run ${run}: ok=${report.ok} entries=${report.entries.toLocaleString('en')} violations=${report.violations.length} ` +
          `time=${stats.seconds.toFixed(2)} s  ${Math.round(stats.entriesPerSecond).toLocaleString('en')} entries/s  ` +
          `peak RSS ${(stats.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
      );
    }
    console.log('target: >= 250,000 entries/s');
    console.log('target: peak RSS < 300 MB');
  } finally {
    if (process.env.BENCH_KEEP_DB) console.log(`kept the database: ${db.url}`);
    else await db.drop();
  }
}

await main();

// The figures are printed: nothing left open (a pool, a broker socket, a timer) keeps the bench alive.
process.exit();
