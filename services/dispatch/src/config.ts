import { BaseConfig, jsonText } from '@rapid-search/events';
import { z } from 'zod';
import { DEFAULT_ACK_DEADLINES, TASK_KINDS, type AckDeadlines } from './domain/deadlines.js';

const Deadlines = jsonText('an object of task kind → milliseconds', '{}')
  .pipe(z.partialRecord(z.enum(TASK_KINDS), z.number().int().positive()))
  .transform((overrides): AckDeadlines => ({ ...DEFAULT_ACK_DEADLINES, ...overrides }));

export const DispatchConfig = BaseConfig.extend({
  DISPATCH_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  HOST: z.string().default('127.0.0.1'),
  /** e.g. {"interception":300000}; kinds not named keep their defaults (interception 5 min). */
  DISPATCH_ACK_DEADLINES_MS: Deadlines,
  DISPATCH_ESCALATOR_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** Bytes a console may have queued on its socket before it is cut off and told to resume. */
  DISPATCH_CONSOLE_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Past this many messages a second (twice as many at once) a console socket is closed with 4029. */
  DISPATCH_CONSOLE_MESSAGES_PER_SECOND: z.coerce.number().int().positive().default(20),
});
export type DispatchConfig = z.infer<typeof DispatchConfig>;
