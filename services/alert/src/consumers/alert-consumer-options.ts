import type { Clock, Metrics, PgEventStore } from '@rapid-search/events';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

/** What a consumer that moves alerts on another service's word is started with. */
export interface AlertConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  store: PgEventStore;
  topic: string;
  groupId: string;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}
