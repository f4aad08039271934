import type { Pool } from 'pg';
import { createLogger } from '../logger.js';
import { createKafka } from '../kafka/client.js';
import { TEST_KAFKA_BROKERS } from './index.js';

/**
 * Where any of `secrets` sits in clear in the database: `schema.table` for every table of the
 * given schemas (all but Postgres' own when none are given) whose rows, read as text, hold one.
 */
export async function tablesHoldingAny(pool: Pool, secrets: readonly string[], schemas?: readonly string[]): Promise<string[]> {
  const { rows: tables } = await pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        AND ($1::text[] IS NULL OR table_schema = ANY($1::text[]))
      ORDER BY 1, 2`,
    [schemas ?? null],
  );
  const found: string[] = [];
  for (const { schema, name } of tables) {
    const { rows } = await pool.query<{ hits: string[] }>(
      `SELECT array_agg(s) AS hits FROM unnest($1::text[]) s WHERE EXISTS (SELECT 1 FROM "${schema}"."${name}" t WHERE strpos(t::text, s) > 0)`,
      [secrets],
    );
    for (const hit of rows[0]?.hits ?? []) found.push(`${schema}.${name}: ${hit}`);
  }
  return found;
}

/** Every message on `topics`, from the first to the last written, as text: keys, values and headers. */
export async function topicMessages(topics: readonly string[]): Promise<string[]> {
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'clear-text-search', logger: createLogger('test', 'silent') });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) if (Number(p.high) > Number(p.low)) ends.set(`${topic}/${p.partition}`, Number(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `clear-text-search-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  const texts: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      if (ends.size === 0) return resolve();
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`);
            texts.push([message.key?.toString() ?? '', message.value?.toString() ?? '', ...headers].join('\n'));
            const part = `${topic}/${partition}`;
            if (Number(message.offset) + 1 >= (ends.get(part) ?? 0)) ends.delete(part);
            if (ends.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return texts;
}
