import { BaseConfig } from '@rapid-search/events';
import { z } from 'zod';

export const AlertConfig = BaseConfig.extend({
  ALERT_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** How often the scheduler looks for public-release widenings that fell due. */
  ALERT_SCHEDULER_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** CAP `sender`: the deploying organ's identifier, the same on every message it issues. */
  CAP_SENDER: z
    .string()
    .regex(/^[^\s,<>&]+$/, 'no spaces, commas or markup')
    .default('rapid-search.example.gov.cn'),
  CAP_SENDER_NAME: z.string().min(1).max(200).default('公安机关儿童失踪快速查找指挥中心 Rapid Search Command Centre'),
  /** The command centre's public line, the only contact a CAP message carries. */
  /** Where the public reaches this service: the feed's links and entry ids are made from it. */
  CAP_PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3001'),
  CAP_CONTACT: z.string().min(1).max(100).default('110'),
  /** Tips a minute from one client address (or one relaying upstream system), across all alerts. */
  ALERT_TIPS_PER_SENDER_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** Tips a minute about one alert from everyone: a flood about one child cannot drown the others. */
  ALERT_TIPS_PER_ALERT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
});
export type AlertConfig = z.infer<typeof AlertConfig>;
