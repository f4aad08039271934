import { Pause } from '@rapid-search/events';

/**
 * Runs `work` now and then every `everyMs` after it ends, until stopped: the loop of the ledger's
 * singletons. A failed round is handed to `failed` and the next round tries again; `running` tells
 * a long round that a stop was asked for. `stop` waits for the round under way.
 */
export function repeatEvery(
  everyMs: number,
  work: (running: () => boolean) => Promise<void>,
  failed: (error: unknown) => void,
): { stop(): Promise<void> } {
  const pause = new Pause();
  let stopped = false;
  const running = () => !stopped;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        await work(running);
      } catch (error) {
        failed(error);
      }
      await pause.wait(everyMs);
    }
  };
  const done = loop();
  return {
    stop: async () => {
      stopped = true;
      pause.close();
      await done;
    },
  };
}
