import {
  createKafka,
  createLogger,
  encodeEvent,
  SOCKET_PROTOCOL,
  loadConfig,
  signToken,
  type Clock,
  type DomainEvent,
  type EventEnvelope,
} from '@rapid-search/events';
import {
  createTestDatabase,
  publishedEnvelope,
  requireKafka,
  settled,
  TEST_JWKS,
  TEST_PERSONAL_DATA_KEK,
  TEST_SIGNING_KEY,
  TEST_KAFKA_BROKERS,
  testTopicPrefix,
  type TestDatabase,
} from '@rapid-search/events/testing';
import type { Consumer, Producer } from 'kafkajs';
import { WebSocket } from 'ws';
import { DispatchConfig } from '../config.js';
import { startDispatchService, type DispatchService } from '../service.js';

/** A clock the test moves forward to reach deadlines without waiting for them. */
export class ManualClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

export interface Harness {
  db: TestDatabase;
  prefix: string;
  clock: ManualClock;
  service: DispatchService;
  baseUrl: string;
  wsUrl: string;
  env: Record<string, string>;
  /** Every event dispatch published on its topic so far. */
  published: EventEnvelope<Record<string, unknown>>[];
  /**
   * Publishes the event as the other service's relay would, its personal fields sealed under the
   * case's key; `deliveries` sends the very same message that many times, `exercise` marks it a
   * drill's.
   */
  publish(topic: 'alert' | 'ledger', event: DomainEvent, caseId: string, options?: { deliveries?: number; exercise?: boolean }): Promise<void>;
  token(role: string, commandCenterId?: string): Promise<string>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(label: string, overrides: Record<string, string> = {}): Promise<Harness> {
  await requireKafka();
  const db = await createTestDatabase(label);
  const prefix = testTopicPrefix();
  const clock = new ManualClock();
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    RS_TOKEN_JWKS: TEST_JWKS,
    RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
    LOG_LEVEL: 'warn',
    DISPATCH_PORT: '0',
    DISPATCH_ESCALATOR_INTERVAL_MS: '50',
    ...overrides,
  };
  const logger = createLogger('dispatch-test', 'warn');
  const start = async () => {
    const service = await startDispatchService({ config: loadConfig(DispatchConfig, env), logger, clock });
    await service.app.listen({ port: 0, host: '127.0.0.1' });
    await settled(service.app);
    return service;
  };
  let service = await start();
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: `${label}-test`, logger });
  const producer: Producer = kafka.producer();
  await producer.connect();
  const published: Harness['published'] = [];
  const consumer: Consumer = kafka.consumer({ groupId: `${prefix}${label}-observer`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}dispatch.events.v1`, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void published.push(JSON.parse(message.value!.toString())) });
  let position = 0;

  const harness: Harness = {
    db,
    prefix,
    clock,
    service,
    get baseUrl() {
      return `http://127.0.0.1:${(service.app.server.address() as { port: number }).port}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${(service.app.server.address() as { port: number }).port}/v1/consoles`;
    },
    env,
    published,
    publish: async (topic, event, caseId, { deliveries = 1, exercise = false } = {}) => {
      const encoded = encodeEvent(event);
      const sealed = { ...encoded, data: await service.runtime.personal.sealEvent(caseId, event.type, encoded.data) };
      const envelope = publishedEnvelope(sealed, caseId, {
        streamId: `${topic}-${caseId}`,
        position: ++position,
        metadata: { actor: { id: topic, role: 'system' }, correlationId: caseId, causationId: null, ...(exercise ? { exercise } : {}) },
      });
      const message = { key: caseId, value: JSON.stringify(envelope) };
      await producer.send({ topic: `${prefix}${topic}.events.v1`, messages: Array.from({ length: deliveries }, () => message) });
    },
    // An officer serves in Kunming, whose centres the tests' tasks go to.
    token: (role, commandCenterId) =>
      signToken(
        {
          sub: `${role}-${commandCenterId ?? 'x'}`,
          role: role as never,
          ...(commandCenterId ? { commandCenterId } : {}),
          ...(role === 'officer' ? { unit: { id: 'cc-kunming', regionCode: '530100' } } : {}),
        },
        TEST_SIGNING_KEY,
      ),
    restart: async () => {
      await service.close();
      service = await start();
      harness.service = service;
    },
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
      await service.close();
      await db.drop();
    },
  };
  return harness;
}

/** A test console: records every message and close, and waits for what the test expects. */
export class TestConsole {
  readonly messages: Record<string, unknown>[] = [];
  closed: { code: number; reason: string } | undefined;
  readonly opened: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.messages.push(JSON.parse(raw.toString()) as Record<string, unknown>);
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  static async open(url: string, token: string, options: { query?: string; header?: boolean } = {}): Promise<TestConsole> {
    const header = options.header ?? true;
    const full = `${url}?${options.query ?? ''}`;
    const c = new TestConsole(
      header ? new WebSocket(full, { headers: { authorization: `Bearer ${token}` } }) : new WebSocket(full, [SOCKET_PROTOCOL, `bearer.${token}`]),
    );
    await c.opened;
    return c;
  }

  send(body: unknown): void {
    this.ws.send(JSON.stringify(body));
  }

  events(): { position: number; event: { type: string; caseId: string; data: Record<string, unknown>; position: number } }[] {
    return this.messages.filter((m) => m.type === 'event') as never;
  }

  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting on the console');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

export const GUANDU = { lat: 24.96, lon: 102.76, regionCode: '530111' };

export function quickSearch(caseId: string, radiusKm: number, point = GUANDU): DomainEvent {
  const now = new Date().toISOString();
  return {
    type: 'QuickSearchActivated',
    data: { caseId, alertId: `alert-${caseId}`, lastSeen: { ...point, at: now }, radiusKm, activatedAt: now },
  };
}

/** A POST to the service under test as a client makes it; the body, when given, as JSON. */
export async function postAs(h: Harness, path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${h.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** One interception task as a step's `InterceptionTasksAssigned` lists it. */
export interface InterceptionEntry {
  taskId: string;
  commandCenterId: string;
  hub: { id: string };
}

/** The interception tasks among published events, each hub's entry of the steps of `caseId`. */
export function interceptionTasks(published: Harness['published'], caseId: string): InterceptionEntry[] {
  return published.filter((e) => e.caseId === caseId && e.type === 'InterceptionTasksAssigned').flatMap((e) => e.data.tasks as InterceptionEntry[]);
}
