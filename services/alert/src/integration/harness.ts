import { createLogger, loadConfig, signToken, type Principal } from '@rapid-search/events';
import { settled, TEST_JWKS, TEST_PERSONAL_DATA_KEK, TEST_SIGNING_KEY, TEST_KAFKA_BROKERS } from '@rapid-search/events/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { z } from 'zod';
import { AlertConfig } from '../config.js';
import { sampleReport } from '../domain/fixtures.test-helper.js';
import { startAlertService, type AlertService } from '../service.js';

export const KEYS = {
  kunming110: 'rs_demo_f52f02aa0737cdd49159014d3d3487cc',
  hospital: 'rs_demo_bd394f1a7674379c4f6e7d785a549c00',
} as const;

/** A clock the test moves by hand. */
export class TestClock {
  #offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.#offsetMs);
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

/** Every log line the service writes, unredacted, so a test can prove none carries personal data. */
export function capturingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), text: () => lines.join('') };
}

export interface RunningService {
  service: AlertService;
  base: string;
}

export async function startService(options: {
  databaseUrl: string;
  topicPrefix: string;
  clock?: TestClock;
  logger?: Logger;
  schedulerIntervalMs?: number;
  env?: Record<string, string>;
}): Promise<RunningService> {
  const config = loadConfig(AlertConfig, {
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: options.topicPrefix,
    RS_TOKEN_JWKS: TEST_JWKS,
    RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
    ALERT_SCHEDULER_INTERVAL_MS: String(options.schedulerIntervalMs ?? 100),
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const service = await startAlertService({
    config,
    logger: options.logger ?? createLogger('alert-test', 'silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const address = await service.app.listen({ port: 0, host: '127.0.0.1' });
  await settled(service.app);
  return { service, base: address };
}

export async function token(principal: z.input<typeof Principal>): Promise<string> {
  return signToken(principal, TEST_SIGNING_KEY, 600);
}

export interface Answer {
  status: number;
  body: any;
}

export async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  options: {
    bearer?: string;
    idempotencyKey?: string;
    body?: unknown;
    rawBody?: string;
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Collects every message of a topic from the beginning; `messages()` is what arrived so far. */
export async function collectTopic(topic: string): Promise<{ messages: () => { key: string; value: any }[]; stop: () => Promise<void> }> {
  const kafka = new Kafka({ clientId: 'alert-test-reader', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `${topic}-reader-${Date.now()}`, maxWaitTimeInMs: 50 });
  const received: { key: string; value: any }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push({ key: message.key?.toString() ?? '', value: JSON.parse(message.value?.toString() ?? 'null') });
    },
  });
  return { messages: () => received, stop: () => consumer.disconnect() };
}

export async function publish(topic: string, messages: { key: string; value: unknown }[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'alert-test-writer', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: messages.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })) });
  await producer.disconnect();
}

let serial = 0;
/** A report of a child no other report of this test file names, so duplicate linking stays out of the way. */
export function freshReport(overrides: Parameters<typeof sampleReport>[2] = {}) {
  serial += 1;
  const report = sampleReport(new Date(), 30, overrides);
  return { ...report, child: { ...report.child, name: `Test Child ${serial} (测试${serial})` } };
}

/** POST /v1/alerts as an upstream system (Kunming 110 unless another key is given). */
export const postReport = (base: string, body: unknown, idempotencyKey: string, bearer: string = KEYS.kunming110) =>
  call(base, 'POST', '/v1/alerts', { bearer, body, idempotencyKey });
