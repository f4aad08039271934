/**
 * The wait before attempt `attempt` (1-based) at something that failed: doubling from `baseMs`,
 * capped at `capMs`, with "equal jitter" (half fixed, half random) so that instances that lost
 * the same dependency at the same moment do not come back at the same moment.
 */
export function backoffMs(attempt: number, options: { baseMs?: number; capMs?: number } = {}, random = Math.random): number {
  const base = options.baseMs ?? 200;
  const cap = options.capMs ?? 5000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
