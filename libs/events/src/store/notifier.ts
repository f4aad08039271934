import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';

/**
 * One LISTEN connection per process and schema, telling subscriptions that new events committed.
 * It is only a hint for latency: subscriptions also poll, so a lost notification delays, never loses.
 */
export class AppendNotifier extends EventEmitter {
  #client: pg.Client | undefined;
  #closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
    private readonly logger: Logger,
  ) {
    super();
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => this.emit('append', Number(msg.payload)));
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'append notifier lost its connection; reconnecting');
      this.#client = undefined;
      setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${this.schema}_events`);
    this.#client = client;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#client?.end().catch(() => undefined);
  }
}
