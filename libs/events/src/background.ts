import type { Logger } from 'pino';
import { backoffMs } from './backoff.js';
import { Pause } from './pause.js';

/** Something started in the background: a consumer, a relay, a singleton's work. */
export interface Stoppable {
  stop(): Promise<void>;
  /** False once it has stopped working by itself (a consumer that crashed for good). */
  running?(): boolean;
}

export interface BackgroundTask {
  readonly name: string;
  /** `ok`, or what it is waiting for, in words a duty engineer reads on /readyz. */
  state(): string;
  stop(): Promise<void>;
}

const WATCH_MS = 2000;
/** A dependency that comes back is found within this: the consoles wait no longer than that for new tasks. */
const RETRY_CAP_MS = 3000;

/**
 * Starts `start` without holding up the caller, and keeps it started: a start that fails is tried
 * again with capped, jittered backoff, and a task that stops working by itself is stopped and
 * started again. A service thus listens at once and its Kafka side joins whenever the broker lets
 * it; `waitingFor` names the dependency the state blames while it is not running.
 */
export function startInBackground(name: string, logger: Logger, start: () => Promise<Stoppable>, waitingFor: string): BackgroundTask {
  let state = 'starting';
  let current: Stoppable | undefined;
  let starting: Promise<Stoppable> | undefined;
  let stopped = false;
  const pause = new Pause();

  const loop = (async () => {
    for (let attempt = 1; !stopped;) {
      try {
        starting = start();
        current = await starting;
        starting = undefined;
        if (stopped) break;
        state = 'ok';
        attempt = 1;
        while (!stopped && (current.running?.() ?? true)) await pause.wait(WATCH_MS);
        if (stopped) break;
        logger.warn({ task: name }, 'background task stopped working; starting it again');
        await current.stop().catch(() => undefined);
        current = undefined;
        state = `restarting (${waitingFor})`;
      } catch (error) {
        starting = undefined;
        state = `waiting for ${waitingFor} (attempt ${attempt})`;
        logger.warn({ err: error, task: name, attempt }, 'background task could not start; retrying');
        await pause.wait(backoffMs(attempt++, { baseMs: 250, capMs: RETRY_CAP_MS }));
      }
    }
  })();

  return {
    name,
    state: () => state,
    stop: async () => {
      stopped = true;
      state = 'stopped';
      pause.close();
      // A start still under way (a broker that does not answer) is not waited for: whatever it
      // brings up is stopped when it arrives.
      if (starting) return void starting.then((s) => s.stop()).catch(() => undefined);
      await loop;
      await current?.stop();
    },
  };
}
