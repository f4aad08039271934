import pg from 'pg';
import type { Logger } from 'pino';
import { backoffMs } from '../backoff.js';
import { Pause } from '../pause.js';

export interface Leadership {
  readonly name: string;
  isLeader(): boolean;
  stop(): Promise<void>;
}

export interface LeadOptions {
  connectionString: string;
  /** Unique per singleton, e.g. 'relay:alert.events.v1'; the lock key is derived from it in SQL (hashtextextended). */
  name: string;
  logger: Logger;
  /** Started when this instance takes the lock; its stop() is awaited when the lock is lost or on stop(). */
  run: () => Promise<{ stop(): Promise<void> }>;
  /** How often a non-holder tries again; jittered. Default ~1000 ms. */
  retryMs?: number;
}

/** A holder proves its session alive this often: a session that died silently raises no event. */
const CHECK_MS = 2000;
/** Longer than this, a statement or a connect counts as a lost session. */
const STATEMENT_TIMEOUT_MS = 5000;
const SESSION_BACKOFF_CAP_MS = 5000;
const RUN_BACKOFF_CAP_MS = 30_000;
/**
 * Postgres frees a lock only when it notices its session is gone; a holder whose host vanished
 * without closing the socket would otherwise keep the singleton unrun for the kernel's hours.
 */
const KEEPALIVES = '-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3';

/**
 * Runs `run` on one instance at a time: the one whose dedicated session holds the Postgres advisory
 * lock named `name`. The lock lives exactly as long as that session, so the work stops the moment
 * the session is in doubt, and a session is never reused after a failure: it is dropped and a new
 * one opened, one at a time, with capped and jittered backoff.
 */
export function lead(options: LeadOptions): Leadership {
  const { name, logger } = options;
  const retryMs = options.retryMs ?? 1000;
  const pause = new Pause();
  let stopped = false;
  let leading = false;
  let runFailures = 0;
  let stopping: Promise<void> | undefined;

  const open = (): Promise<Session> =>
    Session.open(options.connectionString, name, (error) => {
      logger.warn({ err: error, singleton: name, leading }, 'singleton lost its lock session');
      pause.wake();
    });

  /** From taking the lock until the session is lost or stop() is called. */
  const hold = async (session: Session): Promise<void> => {
    let work: { stop(): Promise<void> };
    try {
      work = await options.run();
      runFailures = 0;
    } catch (error) {
      runFailures += 1;
      logger.error({ err: error, singleton: name, attempt: runFailures }, 'singleton failed to start; releasing its lock');
      await session.unlock().catch(() => undefined);
      await pause.wait(backoffMs(runFailures, { baseMs: retryMs, capMs: RUN_BACKOFF_CAP_MS }));
      return;
    }
    leading = !stopped && !session.lost;
    if (leading) logger.info({ singleton: name }, 'leading singleton');
    while (!stopped && !session.lost) {
      await pause.wait(CHECK_MS);
      if (!stopped && !session.lost) await session.check().catch(() => undefined);
    }
    leading = false;
    await work.stop().catch((error: unknown) => logger.error({ err: error, singleton: name }, 'singleton failed to stop'));
    if (stopped) await session.unlock().catch(() => undefined);
  };

  /**
   * The first wait is longer than any other contender's wait between tries, so that after a loss
   * a sound instance takes over rather than the one whose session just failed.
   */
  const reconnectBackoff = { baseMs: 3 * retryMs, capMs: Math.max(SESSION_BACKOFF_CAP_MS, 3 * retryMs) };

  const loop = (async () => {
    for (let attempt = 0; !stopped;) {
      if (attempt > 0) await pause.wait(backoffMs(attempt, reconnectBackoff));
      if (stopped) break;
      let session: Session;
      try {
        session = await open();
        attempt = 0;
      } catch (error) {
        attempt += 1;
        logger.warn({ err: error, singleton: name, attempt }, 'singleton could not open its lock session; retrying');
        continue;
      }
      while (!stopped && !session.lost) {
        if (await session.tryLock().catch(() => false)) await hold(session);
        else if (!session.lost) await pause.wait(retryMs / 2 + Math.random() * retryMs);
      }
      await session.end();
      if (!stopped) attempt += 1;
    }
  })();

  return {
    name,
    isLeader: () => leading,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        pause.close();
        await loop;
      })()),
  };
}

/**
 * One dedicated connection. It counts as lost on its first error, end or failed statement and is
 * then destroyed, never reused: whether it still holds the lock can no longer be known.
 */
class Session {
  lost = false;
  /** Told only once the session was opened: a failed connect is the opener's to report. */
  #onLost: (error?: Error) => void = () => undefined;

  private constructor(
    private readonly client: pg.Client,
    private readonly name: string,
  ) {}

  static async open(connectionString: string, name: string, onLost: (error?: Error) => void): Promise<Session> {
    const client = new pg.Client({
      connectionString,
      application_name: `rapid-search-lead:${name}`,
      options: KEEPALIVES,
      query_timeout: STATEMENT_TIMEOUT_MS,
      connectionTimeoutMillis: STATEMENT_TIMEOUT_MS,
    });
    const session = new Session(client, name);
    // A terminated backend makes pg emit 'error' (fatal to the process without a listener), or
    // only 'end' when a statement was running.
    client.on('error', (error) => session.#drop(error));
    client.on('end', () => session.#drop());
    try {
      await client.connect();
    } catch (error) {
      session.#drop();
      throw error;
    }
    session.#onLost = onLost;
    return session;
  }

  async tryLock(): Promise<boolean> {
    const rows = await this.#query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [this.name]);
    return rows[0]?.locked === true;
  }

  async unlock(): Promise<void> {
    await this.#query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.name]);
  }

  async check(): Promise<void> {
    await this.#query('SELECT 1', []);
  }

  /** Ends a session that is still sound; ending it also frees its lock. A peer that stops answering is cut off. */
  async end(): Promise<void> {
    if (this.lost) return;
    this.lost = true;
    const timer = setTimeout(() => this.client.connection.stream.destroy(), STATEMENT_TIMEOUT_MS);
    await this.client.end().catch(() => undefined);
    clearTimeout(timer);
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.client.query<R>(text, values)).rows;
    } catch (error) {
      this.#drop(error as Error);
      throw error;
    }
  }

  #drop(error?: Error): void {
    if (this.lost) return;
    this.lost = true;
    this.client.connection.stream.destroy();
    this.#onLost(error);
  }
}
