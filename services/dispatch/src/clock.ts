/** Time as the service sees it; tests inject one they can move forward to reach deadlines. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
