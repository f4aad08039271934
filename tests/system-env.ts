import { TEST_CHECKPOINT_KEY, TEST_JWKS, TEST_PERSONAL_DATA_KEK, TEST_KAFKA_BROKERS, testTopicPrefix } from '@rapid-search/events/testing';

/**
 * The ports, addresses and environment of a whole system that a test starts as `npm start` does:
 * its own database and topics, the test keys, and three consecutive ports from `firstPort`.
 */
export function systemUnderTest(databaseUrl: string, firstPort: number) {
  const ports = { alert: firstPort, dispatch: firstPort + 1, ledger: firstPort + 2 };
  const urls = {
    alert: `http://127.0.0.1:${ports.alert}`,
    dispatch: `http://127.0.0.1:${ports.dispatch}`,
    ledger: `http://127.0.0.1:${ports.ledger}`,
  };
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: testTopicPrefix(),
    RS_TOKEN_JWKS: TEST_JWKS,
    RS_PERSONAL_DATA_KEK: TEST_PERSONAL_DATA_KEK,
    LEDGER_CHECKPOINT_KEY: TEST_CHECKPOINT_KEY,
    ALERT_PORT: String(ports.alert),
    DISPATCH_PORT: String(ports.dispatch),
    LEDGER_PORT: String(ports.ledger),
  };
  return { ports, urls, env };
}
