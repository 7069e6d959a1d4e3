// The flat loop that runs step attempts. Work is queued, never run from inside the code that
// queued it, so a step sending synchronously at any depth grows this queue, not the stack. The
// loop yields to the macrotask queue every `budget` items, so timers (timeouts), cancel() and I/O
// get a turn even in a run that never awaits anything but its own steps.

import { IndexQueue } from "./queue.js";

/**
 * A trampolined work queue.
 *
 * @example
 * ```ts
 * const t = new Trampoline<Job>((job) => job.run());
 * t.push(job);                          // runs in a microtask
 * const outer = t.enter(); t.push(other); t.leave(outer, true); // runs in leave()
 * ```
 */
export class Trampoline<T> {
  private readonly pending = new IndexQueue<T>();
  private running = false;
  private microtaskQueued = false;
  private yielded: ReturnType<typeof setImmediate> | null = null;
  private budgetLeft: number;
  private closed = false;

  constructor(
    private readonly run: (item: T) => void,
    private readonly budget = 1024,
  ) {
    this.budgetLeft = budget;
  }

  /** Queues an item: it runs in the current drain, or in a microtask. */
  push(item: T): void {
    if (this.closed) return;
    this.pending.push(item);
    this.kick();
  }

  /**
   * Holds the loop: items queued until the matching `leave` wait. Returns the previous hold
   * state, to pass to `leave`. (A pair rather than a callback: no closure per call.)
   */
  enter(): boolean {
    const outer = this.running;
    this.running = true;
    return outer;
  }

  /** Ends a hold; the outermost one drains now (`drainNow`) or in a microtask. */
  leave(outer: boolean, drainNow: boolean): void {
    this.running = outer;
    if (outer) return;
    if (drainNow) this.drain();
    else this.kick();
  }

  /** Drops queued items and any scheduled turn; later pushes are ignored. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    if (this.yielded !== null) clearImmediate(this.yielded);
    this.yielded = null;
  }

  private kick(): void {
    if (this.running || this.microtaskQueued || this.yielded !== null || this.closed) return;
    this.microtaskQueued = true;
    queueMicrotask(this.onMicrotask);
  }

  private readonly onMicrotask = (): void => {
    this.microtaskQueued = false;
    this.drain();
  };

  private readonly onImmediate = (): void => {
    this.yielded = null;
    this.budgetLeft = this.budget;
    this.drain();
  };

  private drain(): void {
    if (this.running || this.yielded !== null) return;
    this.running = true;
    try {
      while (!this.closed && this.pending.length > 0) {
        if (this.budgetLeft === 0) {
          this.yielded = setImmediate(this.onImmediate);
          return;
        }
        this.budgetLeft--;
        this.run(this.pending.shift()!);
      }
    } finally {
      this.running = false;
    }
  }
}
