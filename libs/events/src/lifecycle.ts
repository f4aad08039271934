import type { Logger } from 'pino';

const SECOND_SIGNAL_GRACE_MS = 1000;

/**
 * Runs until SIGINT or SIGTERM, then closes the service once (stop taking requests, finish
 * in-flight work, commit offsets, close sockets) and exits; a second signal forces the exit.
 */
export function closeOnSignal(logger: Logger, close: () => Promise<void>): void {
  let closingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Ctrl-C reaches a supervised service twice, from the terminal and from its supervisor, at
    // once: only a signal that comes later is someone asking to force the exit.
    if (closingSince !== undefined) {
      if (Date.now() - closingSince > SECOND_SIGNAL_GRACE_MS) process.exit(1);
      return;
    }
    closingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
