import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';
import { z } from 'zod';

/**
 * How a service authenticates to a deployed cluster: SASL/SCRAM over TLS. Locally none of it is
 * set and the broker is plaintext on loopback.
 */
export const KafkaSecurityFields = z.object({
  KAFKA_TLS: z.enum(['true', 'false']).default('false'),
  /** PEM file of the CA that signed the brokers' certificates; the system's CAs when unset. */
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
});

/** The fields together: SCRAM needs its credentials, and TLS to carry them. */
export const KafkaSecurityConfig = KafkaSecurityFields.refine((c) => !c.KAFKA_SASL_MECHANISM || (c.KAFKA_SASL_USERNAME && c.KAFKA_SASL_PASSWORD), {
  message: 'KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
  path: ['KAFKA_SASL_MECHANISM'],
}).refine((c) => !c.KAFKA_SASL_MECHANISM || c.KAFKA_TLS === 'true', {
  message: 'SCRAM credentials are sent only over TLS: set KAFKA_TLS=true',
  path: ['KAFKA_TLS'],
});
export type KafkaSecurityConfig = z.infer<typeof KafkaSecurityConfig>;

/** The kafkajs options for that configuration. */
export function kafkaSecurity(
  config: KafkaSecurityConfig,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (config.KAFKA_TLS === 'true') out.ssl = config.KAFKA_TLS_CA_FILE ? { ca: [readFile(config.KAFKA_TLS_CA_FILE)] } : true;
  const credentials = { username: config.KAFKA_SASL_USERNAME ?? '', password: config.KAFKA_SASL_PASSWORD ?? '' };
  if (config.KAFKA_SASL_MECHANISM === 'scram-sha-256') out.sasl = { mechanism: 'scram-sha-256', ...credentials };
  if (config.KAFKA_SASL_MECHANISM === 'scram-sha-512') out.sasl = { mechanism: 'scram-sha-512', ...credentials };
  return out;
}
