import { z } from 'zod';
import { ConfigError } from './errors.js';
import { fieldIssues } from './issues.js';
import { HttpLimitsConfig } from './http/limits.js';
import { KafkaSecurityConfig, KafkaSecurityFields } from './kafka/security.js';
import { Jwks } from './token-keys.js';

/** An environment variable holding JSON: parsed, or an issue that says what the JSON should be. */
export function jsonText(what: string, fallback?: string) {
  const text = fallback === undefined ? z.string() : z.string().default(fallback);
  return text.transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `not JSON: ${what}` });
      return z.NEVER;
    }
  });
}

/** What every service reads from the environment. */
export const BaseConfig = KafkaSecurityFields.extend(HttpLimitsConfig.shape).extend({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/rapid_search'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1)),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-z0-9._-]*$/)
    .default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * The public keys bearer tokens are checked against, as a JWKS in JSON (Ed25519, each with its
   * `kid`). Services hold no signing key: reading one's configuration lets nobody mint a token.
   */
  RS_TOKEN_JWKS: jsonText('a JWKS in JSON').pipe(Jwks),
  /**
   * The key-encryption key that wraps every case's data key (32 bytes, base64): held by the
   * services only. Losing it makes all personal data unreadable; it is never stored with the data.
   */
  RS_PERSONAL_DATA_KEK: z
    .string()
    .transform((text) => Buffer.from(text, 'base64'))
    .refine((key) => key.length === 32, 'must be 32 bytes in base64'),
});
export type BaseConfig = z.infer<typeof BaseConfig>;

/** Parses the environment; a bad or missing variable is a ConfigError that names it. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(fieldIssues(parsed.error.issues));
  // Every service configuration carries the Kafka security fields; together they must make sense.
  const security = KafkaSecurityConfig.safeParse(parsed.data);
  if (!security.success) throw new ConfigError(fieldIssues(security.error.issues));
  return parsed.data;
}

/** For a service's main: a bad environment prints which variables are wrong and exits 2, no stack. */
export function loadServiceConfig<S extends z.ZodType>(schema: S): z.infer<S> {
  try {
    return loadConfig(schema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
