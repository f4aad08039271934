import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Relay } from './relay.js';
import { RelayThreadReport, type RelayThreadSettings } from './relay-thread-messages.js';

/** running(): the thread has started its relay and has not exited since. */
export type RelayThread = Omit<Relay, 'subscription'>;

/** Starts the thread's worker; a test passes its own to reach the workers it started. */
export type SpawnRelayWorker = (settings: RelayThreadSettings) => Worker;

/**
 * A small young generation: the relay's garbage is short-lived message buffers. The old generation
 * keeps V8's default limit: a limit tight enough to save resident memory (32 or 64 MB) ran out
 * under a test runner's coverage, and a relay that runs out of memory restarts, again and again.
 */
export const spawnRelayWorker: SpawnRelayWorker = (settings) =>
  new Worker(new URL('./relay-worker.js', import.meta.url), { workerData: settings, resourceLimits: { maxYoungGenerationSizeMb: 6 } });

const RESTART_DELAY_MS = 1000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * The outbox relay on a thread of its own. Encoding a batch for Kafka is the largest synchronous
 * piece of work a service does per event; on the main thread it held back, a whole batch at a
 * time, the projection that feeds the consoles and the consumer that plans tasks. A thread that
 * exits is started again a second later and resumes from its checkpoint (at least once, as ever);
 * the service does not go down with it.
 */
export async function startRelayThread(options: {
  settings: RelayThreadSettings;
  logger: Logger;
  onPublished: (types: string[]) => void;
  spawn?: SpawnRelayWorker;
}): Promise<RelayThread> {
  const spawn = options.spawn ?? spawnRelayWorker;
  const log = options.logger.child({ thread: 'relay' });
  let current: Worker | undefined;
  let up = false;
  let stopping = false;

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const worker = spawn(options.settings);
      current = worker;
      let started = false;
      worker.on('message', (raw: unknown) => {
        const report = RelayThreadReport.safeParse(raw);
        if (!report.success) return log.error({ issues: report.error.issues }, 'unreadable report from the relay thread');
        if (report.data.kind === 'published') return options.onPublished(report.data.types);
        started = up = true;
        resolve();
      });
      worker.on('error', (error) => log.error({ err: error }, 'relay thread failed'));
      worker.once('exit', (code) => {
        up = false;
        if (!started) return reject(new Error(`the relay thread exited (${code}) before it started`));
        if (stopping) return;
        log.error({ code }, 'relay thread exited; starting a new one');
        void relaunch();
      });
    });

  const relaunch = async () => {
    while (!stopping) {
      await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
      if (stopping) return;
      try {
        return await launch();
      } catch (error) {
        if (!stopping) log.error({ err: error }, 'relay thread did not start; trying again');
      }
    }
  };

  await launch();
  return {
    running: () => up,
    stop: async () => {
      stopping = true;
      const worker = current;
      if (!worker) return;
      if (!up) {
        await worker.terminate();
        return;
      }
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
