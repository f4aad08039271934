import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';
import { backoffMs } from '../backoff.js';

/**
 * One LISTEN connection per process and schema, telling subscriptions that new events committed.
 * It is only a hint for latency: subscriptions also poll, so a lost notification delays, never
 * loses. A lost connection is ended and replaced by one new one at a time, with capped, jittered
 * backoff, for as long as it takes; on reconnecting it announces an append, since notifications
 * sent while it was away are gone.
 */
export class AppendNotifier extends EventEmitter {
  #client: pg.Client | undefined;
  #connecting = false;
  #closed = false;
  #attempt = 0;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
    private readonly logger: Logger,
  ) {
    super();
    this.setMaxListeners(0);
  }

  /** Connects now; a failure is logged and retried in the background, never thrown. */
  async start(): Promise<void> {
    await this.#connect();
  }

  listening(): boolean {
    return this.#client !== undefined;
  }

  async #connect(): Promise<void> {
    if (this.#closed || this.#connecting || this.#client) return;
    this.#connecting = true;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: `rapid-search-${this.schema}-listen` });
    // pg emits 'error' and then 'end' for one loss, or only 'end': both lead here, once.
    const lost = (error?: Error): void => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.logger.warn({ err: error, schema: this.schema }, 'append notifier lost its connection; reconnecting');
      void client.end().catch(() => undefined);
      this.#retry();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => this.emit('append', Number(msg.payload)));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.schema}_events`);
      this.#connecting = false;
      if (this.#closed) return void (await client.end().catch(() => undefined));
      this.#client = client;
      if (this.#attempt > 0) this.emit('append', 0);
      this.#attempt = 0;
    } catch (error) {
      this.#connecting = false;
      void client.end().catch(() => undefined);
      this.logger.warn({ err: error, schema: this.schema, attempt: this.#attempt + 1 }, 'append notifier could not connect; retrying');
      this.#retry();
    }
  }

  #retry(): void {
    if (this.#closed) return;
    this.#attempt += 1;
    setTimeout(() => void this.#connect(), backoffMs(this.#attempt, { baseMs: 250, capMs: 10000 })).unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
