import { z } from 'zod';
import { ConfigError } from './errors.js';

/** What every service reads from the environment. */
export const BaseConfig = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/rapid_search'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1)),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-z0-9._-]*$/).default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HS256 signing key for bearer tokens; at least 32 characters. */
  RS_JWT_SECRET: z.string().min(32, 'at least 32 characters'),
});
export type BaseConfig = z.infer<typeof BaseConfig>;

/** Parses the environment; a bad or missing variable is a ConfigError that names it. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
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
