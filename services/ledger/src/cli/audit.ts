import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { verifyExport } from '../audit/export-verify.js';
import { replayCase } from '../audit/replay.js';
import { verifyLedger } from '../audit/verify.js';
import { fileLines, readCheckpoints } from './export-files.js';

const USAGE = `usage:
  npm run audit -- verify [--stats]
  npm run audit -- verify --ndjson <export> [--checkpoint <file>]... [--public-key <pem>]
  npm run audit -- replay --case <caseId> [--at <ISO time>]
Connects to DATABASE_URL (default postgres://postgres@127.0.0.1:5432/rapid_search).
verify exits 0 when the ledger holds, 1 when it does not; --stats adds entries/s and peak RSS on stderr.
With --ndjson it verifies an export (GET /v1/ledger with the grant personal-data) offline, against
the checkpoints held (POST or GET /v1/ledger/checkpoints); --public-key pins the key they must be signed with.
Exits 2 on a usage error and 3 when it could not run (the database or a file out of reach): neither says
anything of the ledger.`;

/** Could not run: distinct from 1, which says the ledger does not hold. */
const COULD_NOT_RUN = 3;

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        case: { type: 'string' },
        at: { type: 'string' },
        stats: { type: 'boolean', default: false },
        ndjson: { type: 'string' },
        checkpoint: { type: 'string', multiple: true, default: [] },
        'public-key': { type: 'string' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
})();

/** Offline: an export and the checkpoints held, no database. */
async function verifyExportFile(ndjson: string): Promise<number> {
  const pinned = values['public-key'] === undefined ? undefined : readFileSync(values['public-key'], 'utf8');
  const report = await verifyExport(fileLines(ndjson), values.checkpoint.flatMap(readCheckpoints), pinned);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

try {
  process.exitCode = positionals[0] === 'verify' && values.ndjson !== undefined ? await verifyExportFile(values.ndjson) : await withDatabase();
} catch (error) {
  // The driver's and the file system's messages name the host, database or path, never an entry.
  process.stderr.write(`audit: could not run ${positionals[0] ?? ''}: ${(error as Error).message}\n`);
  process.exitCode = COULD_NOT_RUN;
}

async function withDatabase(): Promise<number> {
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/rapid_search',
    max: 2,
    application_name: 'rapid-search-audit',
  });
  try {
    return await run(pool, positionals[0]);
  } finally {
    await pool.end();
  }
}

async function run(pool: pg.Pool, command: string | undefined): Promise<number> {
  if (command === 'verify') {
    const started = performance.now();
    const report = await verifyLedger(pool);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (values.stats) {
      const stats = {
        entries: report.entries,
        seconds,
        entriesPerSecond: report.entries / seconds,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      };
      process.stderr.write(`${JSON.stringify(stats)}\n`);
    }
    return report.ok ? 0 : 1;
  }
  if (command === 'replay' && values.case) {
    if (values.at !== undefined && Number.isNaN(Date.parse(values.at))) {
      process.stderr.write(`--at ${values.at} is not an ISO time\n`);
      return 2;
    }
    const replay = await replayCase(pool, values.case, values.at ?? null);
    process.stdout.write(`case ${replay.caseId}${replay.at ? ` as of ${replay.at}` : ''}: ${replay.history.length} entries\n`);
    for (const h of replay.history) {
      process.stdout.write(`  #${h.seq}  ${h.occurredAt}  ${h.topic.padEnd(24)} ${h.type}  ${JSON.stringify(h.actor)}\n`);
    }
    process.stdout.write(`state:\n${JSON.stringify(replay.state, null, 2)}\n`);
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
