/**
 * A wait that can be cut short: a loop's poll or backoff, woken by a notification, and closed by
 * its stop(). Once closed every wait, the one under way and any later one, ends at once, so a stop
 * that comes while the loop is busy elsewhere never waits out the loop's next pause.
 */
export class Pause {
  #wake: (() => void) | undefined;
  #closed = false;

  wait(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** Ends the wait under way, if any. */
  wake(): void {
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.wake();
  }
}
