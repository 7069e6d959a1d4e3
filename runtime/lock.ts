// A FIFO async mutex without promise chaining: waiters sit in a queue and are woken one at a
// time, so a burst of N edits holds N closures, never a chain of N promises.

import { IndexQueue } from "./queue.js";

/**
 * Async mutual exclusion, FIFO.
 *
 * @example
 * ```ts
 * await mutex.acquire(); try { … } finally { mutex.release(); }
 * ```
 */
export class Mutex {
  private locked = false;
  private readonly waiters = new IndexQueue<() => void>();

  /** Resolves once the caller holds the lock. */
  acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Hands the lock to the next waiter, or frees it. */
  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.locked = false;
  }
}
