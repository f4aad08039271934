/**
 * When `npm start` brings an exited service instance back. The first exit is answered at once, so
 * a single crash costs only the process's own start; exits that follow quickly wait twice as long
 * each time up to a cap, so an instance that cannot start (a bad setting, a dependency down) does
 * not spin. An instance that stayed up long enough counts as healthy again and starts from scratch.
 */
export interface RestartPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  healthyAfterMs: number;
}

export const RESTART_POLICY: RestartPolicy = { firstDelayMs: 500, maxDelayMs: 10_000, healthyAfterMs: 30_000 };

/**
 * `quickExits` is how many exits in a row came before this one without the instance becoming
 * healthy in between; the answer carries the count to pass for the next exit.
 */
export function nextRestart(quickExits: number, uptimeMs: number, policy: RestartPolicy = RESTART_POLICY): { delayMs: number; quickExits: number } {
  const streak = uptimeMs >= policy.healthyAfterMs ? 0 : quickExits;
  const delayMs = streak === 0 ? 0 : Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (streak - 1));
  return { delayMs, quickExits: streak + 1 };
}
