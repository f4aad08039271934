import { z } from 'zod';

/** What a relay thread is started with. */
export const RelayThreadSettings = z.object({
  service: z.string(),
  schema: z.string(),
  topic: z.string(),
  databaseUrl: z.string(),
  brokers: z.array(z.string()).min(1),
  logLevel: z.string(),
  /** The thread's own CPU priority (Linux keeps one per thread); 0 leaves it as the process's. */
  nice: z.number().int().min(0).max(19),
});
export type RelayThreadSettings = z.infer<typeof RelayThreadSettings>;

/** What a relay thread tells the service's main thread. */
export const RelayThreadReport = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started') }),
  z.object({ kind: z.literal('published'), types: z.array(z.string()) }),
]);
export type RelayThreadReport = z.infer<typeof RelayThreadReport>;
