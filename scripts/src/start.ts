/**
 * `npm start`: the real topology on this machine. Postgres (DATABASE_URL, else 127.0.0.1:5432,
 * else embedded), the local Kafka broker when none answers at KAFKA_BROKERS, and the three
 * services as separate processes on 3001–3003, `--replicas N` of each (default one) sharing the
 * service's port. An instance that exits is started again; only Ctrl-C (SIGINT or SIGTERM) stops
 * the system, in reverse order. `--demo` then plays the scripted case. What it keeps (the signing
 * key, the logs, an embedded Postgres) goes in .data/, or in RS_DATA_DIR.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { signingKeyOf } from '@rapid-search/events';
import { checkpointKeyPem, DATA_DIR, personalDataKek, ROOT, servicesJwks, signingJwk } from './signing-keys.js';
import { resolvePostgres } from './local-postgres.js';
import { runDemo } from './demo.js';
import { SERVICES, waitUntilReady } from './services.js';
import { Supervisor } from './supervisor.js';

const log = (message: string) => console.log(`rapid-search: ${message}`);
const shown = (path: string) => relative(process.cwd(), path) || '.';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).trim();
const { demo, replicas } = parseCommandLine();

function parseCommandLine(): { demo: boolean; replicas: number } {
  try {
    const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false }, replicas: { type: 'string', default: '1' } } });
    const replicas = Number(values.replicas);
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`--replicas takes a whole number of at least 1, not ${values.replicas}`);
    return { demo: values.demo, replicas };
  } catch (error) {
    console.error(`rapid-search: ${messageOf(error)} (usage: npm start -- [--replicas N] [--demo])`);
    process.exit(2);
  }
}

const logDir = join(DATA_DIR, 'logs');
/** How to stop what has been started so far, in the order it was started: undone last first. */
const started: (() => Promise<void>)[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  log('shutting down: services, then Kafka and Postgres if started here');
  for (const stop of started.reverse()) await stop().catch((error: unknown) => log(`while shutting down: ${messageOf(error).split('\n')[0]}`));
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

/** A step that cannot go wrong quietly: its failure is one line (any detail it carries indented below), then everything stops. */
async function orFail<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const [first, ...detail] = messageOf(error).split('\n');
    console.error(`rapid-search: cannot start: ${first}`);
    for (const line of detail) console.error(`  ${line}`);
    return stopAll(1);
  }
}
const postgres = await orFail(() => resolvePostgres(DATA_DIR, log));
started.push(() => postgres.stop());
// infra/kafka/kafka.js is plain JS so it runs before any build; loaded from the repository root.
const { ensureKafka } = (await import(pathToFileURL(join(ROOT, 'infra/kafka/kafka.js')).href)) as typeof import('../../infra/kafka/kafka.js');
const kafka = await orFail(() => ensureKafka({ log }));
started.push(() => kafka.stop());
const jwk = await orFail(() => signingJwk({ create: true }));
const jwks = await orFail(() => servicesJwks(jwk));
const checkpointKey = await orFail(() => checkpointKeyPem());
const kek = await orFail(() => personalDataKek());
mkdirSync(logDir, { recursive: true });

const supervisor = new Supervisor(log);
started.push(() => supervisor.stop());

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
        RS_PERSONAL_DATA_KEK: kek,
        ...(service.name === 'ledger' ? { LEDGER_CHECKPOINT_KEY: checkpointKey } : {}),
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
  log(`${String(error)}; see ${shown(logDir)}/`);
  await stopAll(1);
}

console.log(`
Rapid Search is running (Postgres: ${postgres.origin}, Kafka: ${kafka.brokers}${kafka.startedHere ? ', started here' : ''}).
${SERVICES.map((s) => `  ${s.name.padEnd(9)} ${s.url}   docs ${s.url}/docs`).join('\n')}
  ${replicas === 1 ? 'one instance' : `${replicas} instances`} of each, logs in ${shown(logDir)}/<service>-<n>.log
Tokens for the running system:
  npm run token -- upstream --system up-kunming-110
  npm run token -- console --command-center cc-kunming
  npm run token -- officer --officer officer-kunming-yang-jianguo
  npm run token -- lab | civil-affairs | auditor
Ctrl-C stops everything.`);

if (demo) {
  try {
    await runDemo({
      key: signingKeyOf(jwk),
      urls: Object.fromEntries(SERVICES.map((s) => [s.name, s.url])) as Record<'alert' | 'dispatch' | 'ledger', string>,
    });
  } catch (error) {
    log(`the demo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
