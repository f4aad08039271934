import { BaseConfig } from '@rapid-search/events';
import { z } from 'zod';

export const LedgerConfig = BaseConfig.extend({
  LEDGER_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  HOST: z.string().default('127.0.0.1'),
});
export type LedgerConfig = z.infer<typeof LedgerConfig>;
