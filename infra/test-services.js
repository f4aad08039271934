// The integration and end-to-end tests run against a real Postgres and a real Kafka broker.
// tap runs infra/test-before.js ahead of the test files and infra/test-after.js at the end (.taprc):
//   - where a container runtime answers (testcontainers' getContainerRuntimeClient()), Postgres 16
//     and Kafka run in containers and their addresses go to .data/test-services.json, which
//     libs/events/testing reads;
//   - otherwise the local services: Postgres at TEST_DATABASE_ADMIN_URL (default 127.0.0.1:5432)
//     and the KRaft broker from infra/kafka/, started here when nothing answers at KAFKA_BROKERS
//     and stopped again afterwards.
// Neither available: the run fails with what to start. Integration tests never skip silently.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureKafka, stopKafka } from './kafka/kafka.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE = path.join(ROOT, '.data', 'test-services.json');
const log = (message) => console.error(`test-services: ${message}`);

async function containerRuntime() {
  if (process.env.RS_TEST_NO_CONTAINERS) return undefined;
  try {
    const testcontainers = await import('testcontainers');
    await testcontainers.getContainerRuntimeClient();
    return testcontainers;
  } catch {
    return undefined;
  }
}

function answers(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function before() {
  fs.mkdirSync(path.dirname(STATE), { recursive: true });
  fs.rmSync(STATE, { force: true });
  const runtime = await containerRuntime();
  if (runtime) {
    log('a container runtime answers: starting Postgres and Kafka with testcontainers');
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const { KafkaContainer } = await import('@testcontainers/kafka');
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    const postgres = await new PostgreSqlContainer('postgres:16').withUsername('postgres').withPassword('postgres').start();
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().withExposedPorts(9093).start();
    const state = {
      containers: [postgres.getId(), kafka.getId()],
      adminUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getPort()}/postgres`,
      kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    };
    fs.writeFileSync(STATE, JSON.stringify(state, null, 2));
    return;
  }
  const admin = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  if (!(await answers(admin.hostname, Number(admin.port || 5432)))) {
    throw new Error(
      `no container runtime, and no Postgres at ${admin.host}: start it ` +
        '(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_DATABASE_ADMIN_URL',
    );
  }
  const kafka = await ensureKafka({ log });
  fs.writeFileSync(STATE, JSON.stringify({ kafkaBrokers: kafka.brokers, startedKafka: kafka.startedHere, kafkaPid: kafka.pid ?? null }, null, 2));
}

export async function after() {
  if (!fs.existsSync(STATE)) return;
  const state = JSON.parse(fs.readFileSync(STATE, 'utf8'));
  if (state.containers) {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    for (const id of state.containers) await client.container.stop(client.container.getById(id)).catch(() => undefined);
  } else if (state.startedKafka && state.kafkaPid) {
    await stopKafka({ log, pid: state.kafkaPid });
  }
  fs.rmSync(STATE, { force: true });
}
