import {
  createKafka,
  createLogger,
  deriveId,
  indexKeyOf,
  Keyring,
  loadConfig,
  newId,
  PersonalData,
  signToken,
  type Principal,
} from '@rapid-search/events';
import {
  createTestDatabase,
  publishedEnvelope,
  settled,
  TEST_JWKS,
  TEST_PERSONAL_DATA_KEK,
  TEST_CHECKPOINT_KEY,
  TEST_SIGNING_KEY,
  TEST_KAFKA_BROKERS,
  testTopicPrefix,
  requireKafka,
  type TestDatabase,
} from '@rapid-search/events/testing';
import type { Producer } from 'kafkajs';
import pg from 'pg';
import { LedgerConfig } from '../config.js';
import { startLedgerService, type LedgerService } from '../service.js';

const KUNMING = { id: 'cc-kunming', regionCode: '530100' };

export interface Harness {
  db: TestDatabase;
  pool: pg.Pool;
  service: LedgerService;
  prefix: string;
  producer: Producer;
  /** The key vault as every service of the test's database reaches it. */
  personal: PersonalData;
  /**
   * Publishes an event as another service's relay would: the envelope, keyed by case, its personal
   * fields sealed under the case's key; `exercise` marks a drill's.
   */
  publish(
    service: 'alert' | 'dispatch',
    type: string,
    caseId: string,
    data: Record<string, unknown>,
    eventId?: string,
    options?: { exercise?: boolean },
  ): Promise<string>;
  token(principal: Partial<Principal> & Pick<Principal, 'role'>): Promise<string>;
  close(): Promise<void>;
}

/** The whole ledger service in-process on the real Postgres and Kafka, one per test file; env overrides its configuration. */
export async function startHarness(label: string, env: Record<string, string> = {}): Promise<Harness> {
  await requireKafka();
  const db = await createTestDatabase(label);
  const prefix = testTopicPrefix();
  const config = loadConfig(LedgerConfig, {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    RS_TOKEN_JWKS: TEST_JWKS,
    RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
    LEDGER_CHECKPOINT_KEY: TEST_CHECKPOINT_KEY,
    LEDGER_PORT: '0',
    ...env,
  });
  const logger = createLogger('ledger-test', 'silent');
  const service = await startLedgerService({ config, logger });
  await settled(service.app);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const producer = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'ledger-test', logger }).producer();
  await producer.connect();
  const personal = new PersonalData(new Keyring(pool, config.RS_PERSONAL_DATA_KEK), indexKeyOf(config.RS_PERSONAL_DATA_KEK));
  let position = 0;
  return {
    db,
    pool,
    service,
    prefix,
    producer,
    personal,
    publish: async (from, type, caseId, data, eventId = newId(), options = {}) => {
      position++;
      const envelope = publishedEnvelope({ type, data: await personal.sealEvent(caseId, type, data) }, caseId, {
        eventId,
        streamId: `${from}-${caseId}`,
        streamVersion: position,
        position,
        metadata: {
          actor: { id: `${from}-test`, role: 'system' },
          correlationId: deriveId(caseId, 'correlation'),
          causationId: null,
          ...(options.exercise ? { exercise: true } : {}),
        },
      });
      await producer.send({ topic: `${prefix}${from}.events.v1`, messages: [{ key: caseId, value: JSON.stringify(envelope) }] });
      return eventId;
    },
    // An officer serves in Kunming, whose cases the tests run, unless the test names another unit.
    token: (principal) =>
      signToken(
        { sub: `${principal.role}-test`, grants: [], ...(principal.role === 'officer' ? { unit: KUNMING } : {}), ...principal },
        TEST_SIGNING_KEY,
      ),
    close: async () => {
      await producer.disconnect();
      await service.close();
      await pool.end();
      await db.drop();
    },
  };
}
