import { BaseConfig } from '@rapid-search/events';
import { z } from 'zod';

export const LedgerConfig = BaseConfig.extend({
  LEDGER_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  HOST: z.string().default('127.0.0.1'),
  /** The checkpoint signing key, an Ed25519 private key in PKCS#8 PEM: held by the ledger alone, never in its database. */
  LEDGER_CHECKPOINT_KEY: z.string().min(1),
  LEDGER_CHECKPOINT_EVERY_ENTRIES: z.coerce.number().int().min(1).default(1000),
  LEDGER_CHECKPOINT_EVERY_MINUTES: z.coerce.number().positive().default(10),
  /** Days after a case closes (solved, or withdrawn as false) until its personal data is erased; fractions allowed. */
  LEDGER_PERSONAL_DATA_RETENTION_DAYS: z.coerce.number().positive().default(365),
});
export type LedgerConfig = z.infer<typeof LedgerConfig>;
