/**
 * `npm start`: the real topology on this machine. Postgres (DATABASE_URL, else 127.0.0.1:5432,
 * else embedded), the local Kafka broker when none answers at KAFKA_BROKERS, and the three
 * services as separate processes on 3001–3003. `--demo` then plays the scripted case. Ctrl-C
 * shuts everything down in reverse order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DATA_DIR, ROOT, jwtSecret } from './dev-secret.js';
import { resolvePostgres } from './local-postgres.js';
import { runDemo } from './demo.js';
import { SERVICES, waitUntilReady } from './services.js';

const demo = process.argv.includes('--demo');
const log = (message: string) => console.log(`rapid-search: ${message}`);

const postgres = await resolvePostgres(DATA_DIR, log);
// infra/kafka/kafka.js is plain JS so it runs before any build; loaded from the repository root.
const { ensureKafka } = (await import(pathToFileURL(join(ROOT, 'infra/kafka/kafka.js')).href)) as typeof import('../../infra/kafka/kafka.js');
const kafka = await ensureKafka({ log });
const secret = jwtSecret({ create: true });
const logDir = join(DATA_DIR, 'logs');
mkdirSync(logDir, { recursive: true });

const children: ChildProcess[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  log('shutting down: services, then Kafka and Postgres if started here');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15000).unref();
        }),
    ),
  );
  await kafka.stop();
  await postgres.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

for (const service of SERVICES) {
  const out = createWriteStream(join(logDir, `${service.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [...service.nodeOptions, join(ROOT, `services/${service.name}/dist/main.js`)], {
    env: {
      ...process.env,
      DATABASE_URL: postgres.url,
      KAFKA_BROKERS: kafka.brokers,
      RS_JWT_SECRET: secret,
      [service.portVariable]: String(service.port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (service.nice !== 0 && child.pid !== undefined) {
    try {
      setPriority(child.pid, service.nice);
    } catch (error) {
      log(`${service.name} runs at normal priority (${String(error)})`);
    }
  }
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`${service.name} exited (${signal ?? code}); see .data/logs/${service.name}.log`);
      void stopAll(1);
    }
  });
  children.push(child);
}

try {
  await Promise.all(SERVICES.map((s) => waitUntilReady(s.url, 90000)));
} catch (error) {
  log(`${String(error)}; see .data/logs/`);
  await stopAll(1);
}

console.log(`
Rapid Search is running (Postgres: ${postgres.origin}, Kafka: ${kafka.brokers}${kafka.startedHere ? ', started here' : ''}).
${SERVICES.map((s) => `  ${s.name.padEnd(9)} ${s.url}   docs ${s.url}/docs`).join('\n')}
  logs      .data/logs/<service>.log
Tokens for the running system:
  npm run token -- upstream --system up-kunming-110
  npm run token -- console --command-center cc-kunming
  npm run token -- officer --officer officer-kunming-yang-jianguo
  npm run token -- lab | civil-affairs | auditor
Ctrl-C stops everything.`);

if (demo) {
  try {
    await runDemo({ secret, urls: Object.fromEntries(SERVICES.map((s) => [s.name, s.url])) as Record<'alert' | 'dispatch' | 'ledger', string> });
  } catch (error) {
    log(`the demo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
