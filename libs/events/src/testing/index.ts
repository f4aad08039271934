import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { EventEnvelope } from '../envelope.js';
import { newId } from '../ids.js';
import { generateSigningJwk, publicJwkOf, signingKeyOf } from '../token-keys.js';
import { createKafka, kafkaReachable } from '../kafka/client.js';
import { createLogger } from '../logger.js';

export { spec, type Assert, type Given, type Refusal, type When } from './decider-spec.js';

/** Where infra/test-before.js said the services are (containers), else the local defaults. */
const started = ((): { adminUrl?: string; kafkaBrokers?: string } => {
  const file = fileURLToPath(new URL('../../../../.data/test-services.json', import.meta.url));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { adminUrl?: string; kafkaBrokers?: string }) : {};
})();
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? started.adminUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? started.kafkaBrokers ?? '127.0.0.1:9092').split(',');
/**
 * A signing key made afresh for each test process, and the JWKS its services are given: what the
 * token command and `npm start` do with the key on disk.
 */
const testJwk = generateSigningJwk('test-key');
export const TEST_SIGNING_KEY = signingKeyOf(testJwk);
export const TEST_JWKS = JSON.stringify({ keys: [publicJwkOf(testJwk)] });
/** The ledger's checkpoint key for a test process (LEDGER_CHECKPOINT_KEY), made afresh like the token key. */
export const TEST_CHECKPOINT_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The key-encryption key of a test process's services (RS_PERSONAL_DATA_KEK), made afresh like the others. */
export const TEST_PERSONAL_DATA_KEK = randomBytes(32).toString('base64');

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database on the real Postgres, so test files running in parallel never collide.
 * Fails loudly (never skips) when Postgres is not there.
 */
export async function createTestDatabase(label = 'db'): Promise<TestDatabase> {
  const name = `rs_test_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Postgres is not reachable at ${ADMIN_URL} (${String(error)}). Start it ` +
        `(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_DATABASE_ADMIN_URL.`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      // A pool's end() resolves while its connections are still closing; terminating them then
      // (FORCE) would send a FATAL to a client that has no listener left. Let them leave first.
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const { rows } = await c.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (rows[0]?.n === '0') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A unique topic prefix per test file, so consumers never see another file's events. */
export function testTopicPrefix(): string {
  return `t${randomBytes(4).toString('hex')}.`;
}

/** Fails with what to start when no Kafka broker answers (integration tests never skip silently). */
export async function requireKafka(): Promise<void> {
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'test-probe', logger: createLogger('test', 'silent') });
  if (!(await kafkaReachable(kafka, 5000))) {
    throw new Error(
      `No Kafka broker answers at ${TEST_KAFKA_BROKERS.join(',')}. Start one with \`npm run kafka:start\` ` +
        `(a single-node KRaft broker from infra/kafka/) or set KAFKA_BROKERS.`,
    );
  }
}

/** Polls until the check passes or the time runs out; the last failure is the error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/**
 * An event as a service's relay publishes it on Kafka, for a test or bench that stands in for that
 * relay: the envelope of the first event of the case's stream, recorded now, unless `overrides`
 * says otherwise. `event` is a catalog event as `encodeEvent` returns it, or any type and data.
 */
export function publishedEnvelope<D>(
  event: { type: string; version?: number; data: D },
  caseId: string,
  overrides: Partial<Omit<EventEnvelope, 'data' | 'caseId'>> = {},
): EventEnvelope<D> & { caseId: string } {
  const now = new Date().toISOString();
  return {
    eventId: newId(),
    type: event.type,
    version: event.version ?? 1,
    streamId: `case-${caseId}`,
    streamVersion: 1,
    position: 1,
    caseId,
    metadata: { actor: { id: 'test', role: 'system' }, correlationId: caseId, causationId: null },
    occurredAt: now,
    recordedAt: now,
    ...overrides,
    data: event.data,
  };
}

/**
 * Waits until every check a service reports on /readyz is `ok` or `standby`: its topics exist, its
 * consumers have joined, and each singleton runs here or on another instance. A service answers requests long before that; a test
 * that reads or writes its topics needs this too.
 */
export async function settled(app: FastifyInstance, timeoutMs = 60000): Promise<void> {
  await eventually(
    async () => {
      const { checks } = (await app.inject({ url: '/readyz' })).json<{ checks: Record<string, string> }>();
      const waiting = Object.entries(checks).filter(([, state]) => state !== 'ok' && !state.startsWith('standby'));
      if (waiting.length > 0) throw new Error(`not settled: ${waiting.map(([name, state]) => `${name} ${state}`).join(', ')}`);
    },
    timeoutMs,
    100,
  );
}
export { checkRoleMatrix } from './role-matrix.js';
export { tablesHoldingAny, topicMessages } from './clear-text.js';
