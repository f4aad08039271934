import t from 'tap';
import { KafkaSecurityConfig, kafkaSecurity } from './security.js';

t.test('given nothing set, when the security is built, then the client is plaintext', async (t) => {
  t.same(kafkaSecurity(KafkaSecurityConfig.parse({})), {});
});

t.test('given SCRAM over TLS with a CA file, when the security is built, then kafkajs gets both', async (t) => {
  const config = KafkaSecurityConfig.parse({
    KAFKA_TLS: 'true',
    KAFKA_TLS_CA_FILE: '/etc/rs/ca.pem',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'rs-alert',
    KAFKA_SASL_PASSWORD: 'pw',
  });
  t.same(
    kafkaSecurity(config, (path) => `PEM of ${path}`),
    {
      ssl: { ca: ['PEM of /etc/rs/ca.pem'] },
      sasl: { mechanism: 'scram-sha-512', username: 'rs-alert', password: 'pw' },
    },
  );
});

t.test('given SCRAM without TLS or without a password, when the configuration is read, then it is refused naming the variable', async (t) => {
  const noTls = KafkaSecurityConfig.safeParse({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' });
  t.same(
    noTls.error?.issues.map((i) => i.path.join('.')),
    ['KAFKA_TLS'],
  );
  const noPassword = KafkaSecurityConfig.safeParse({ KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' });
  t.same(
    noPassword.error?.issues.map((i) => i.path.join('.')),
    ['KAFKA_SASL_MECHANISM'],
  );
});
