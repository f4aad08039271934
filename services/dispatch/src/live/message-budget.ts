/**
 * A token bucket for one socket's incoming messages: `perSecond` on average, `burst` at once. A
 * console acknowledges a task or two at a time; a socket that sends far more is not a console.
 */
export class MessageBudget {
  #tokens: number;
  #at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes one message's token; false when the socket is over its budget. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
