/**
 * `npm start`: the real topology on this machine. Postgres (DATABASE_URL, else 127.0.0.1:5432,
 * else embedded), the local Kafka broker when none answers at KAFKA_BROKERS, and the three
 * services as separate processes on 3001–3003, `--replicas N` of each (default one) sharing the
 * service's port. An instance that exits is started again; only Ctrl-C (SIGINT or SIGTERM) stops
 * the system, in reverse order. `--demo` then plays the scripted case.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { signingKeyOf } from '@rapid-search/events';
import { DATA_DIR, ROOT, servicesJwks, signingJwk } from './signing-keys.js';
import { resolvePostgres } from './local-postgres.js';
import { runDemo } from './demo.js';
import { SERVICES, waitUntilReady } from './services.js';
import { Supervisor } from './supervisor.js';

const log = (message: string) => console.log(`rapid-search: ${message}`);
const { demo, replicas } = parseCommandLine();

function parseCommandLine(): { demo: boolean; replicas: number } {
  try {
    const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false }, replicas: { type: 'string', default: '1' } } });
    const replicas = Number(values.replicas);
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`--replicas takes a whole number of at least 1, not ${values.replicas}`);
    return { demo: values.demo, replicas };
  } catch (error) {
    console.error(`rapid-search: ${error instanceof Error ? error.message : String(error)} (usage: npm start -- [--replicas N] [--demo])`);
    process.exit(2);
  }
}

const postgres = await resolvePostgres(DATA_DIR, log);
// infra/kafka/kafka.js is plain JS so it runs before any build; loaded from the repository root.
const { ensureKafka } = (await import(pathToFileURL(join(ROOT, 'infra/kafka/kafka.js')).href)) as typeof import('../../infra/kafka/kafka.js');
const kafka = await ensureKafka({ log });
const jwk = signingJwk({ create: true });
const jwks = servicesJwks(jwk);
const logDir = join(DATA_DIR, 'logs');
mkdirSync(logDir, { recursive: true });

const supervisor = new Supervisor(log);
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  log('shutting down: services, then Kafka and Postgres if started here');
  await supervisor.stop();
  await kafka.stop();
  await postgres.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

for (const service of SERVICES) {
  for (let n = 1; n <= replicas; n++) {
    supervisor.run({
      id: `${service.name}-${n}`,
      args: [...service.nodeOptions, join(ROOT, `services/${service.name}/dist/main.js`)],
      env: {
        ...process.env,
        DATABASE_URL: postgres.url,
        KAFKA_BROKERS: kafka.brokers,
        RS_TOKEN_JWKS: jwks,
        [service.portVariable]: String(service.port),
      },
      nice: service.nice,
      logFile: join(logDir, `${service.name}-${n}.log`),
    });
  }
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
  ${replicas === 1 ? 'one instance' : `${replicas} instances`} of each, logs in .data/logs/<service>-<n>.log
Tokens for the running system:
  npm run token -- upstream --system up-kunming-110
  npm run token -- console --command-center cc-kunming
  npm run token -- officer --officer officer-kunming-yang-jianguo
  npm run token -- lab | civil-affairs | auditor
Ctrl-C stops everything.`);

if (demo) {
  try {
    await runDemo({ key: signingKeyOf(jwk), urls: Object.fromEntries(SERVICES.map((s) => [s.name, s.url])) as Record<'alert' | 'dispatch' | 'ledger', string> });
  } catch (error) {
    log(`the demo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
