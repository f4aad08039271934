import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

export function createKafka(options: { brokers: string[]; clientId: string; logger: Logger; security?: Pick<KafkaConfig, 'ssl' | 'sasl'> }): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...options.security,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, message);
        else log.warn(rest, message);
      },
  });
}

/** Creates the topics (and their dead-letter twins) if missing; replication factor 1 locally. */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
          });
        }
        const { topics: described } = await admin.fetchTopicMetadata({ topics });
        if (described.every((t) => t.partitions.every((p) => p.leader >= 0))) return;
        throw Object.assign(new Error(`topics ${topics.join(', ')} have partitions without a leader yet`), { retriable: true });
      } catch (error) {
        // A broker that has just started or just created a topic may, for a moment, not know it
        // (UNKNOWN_TOPIC_OR_PARTITION) or have no leader for it: kafkajs marks these retriable.
        if (!(error as { retriable?: boolean }).retriable || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * True when a broker answers a metadata request within the timeout. The admin is let go only once
 * its own connect has settled: kafkajs leaves the socket of a connect under way open for good when
 * told to disconnect meanwhile, one leaked connection per slow probe.
 */
export async function kafkaReachable(kafka: Kafka, timeoutMs = 2000): Promise<boolean> {
  const admin = kafka.admin();
  const probe = (async () => {
    await admin.connect();
    await admin.describeCluster();
    return true as const;
  })().catch(() => false as const);
  void probe.then(() => admin.disconnect().catch(() => undefined));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs).unref()));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
