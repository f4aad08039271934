/** Types for kafka.js, the local KRaft broker helper (plain ESM so it runs before any build). */
export interface EnsuredKafka {
  brokers: string;
  startedHere: boolean;
  pid?: number;
  stop(): Promise<void>;
}
export function ensureKafka(options?: { brokers?: string; log?: (message: string) => void }): Promise<EnsuredKafka>;
export function kafkaAnswers(brokers?: string, options?: { timeoutMs?: number }): Promise<boolean>;
