import { BaseConfig } from '@rapid-search/events';
import { z } from 'zod';

export const AlertConfig = BaseConfig.extend({
  ALERT_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** How often the scheduler looks for public-release widenings that fell due. */
  ALERT_SCHEDULER_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
});
export type AlertConfig = z.infer<typeof AlertConfig>;
