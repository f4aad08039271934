import type { Logger } from 'pino';

/** Time as a service sees it; a test passes one it moves forward to reach deadlines without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What every service's start function takes: `start<X>Service({ config, logger, clock })`. */
export interface ServiceOptions<Config> {
  config: Config;
  logger: Logger;
  clock?: Clock;
}
