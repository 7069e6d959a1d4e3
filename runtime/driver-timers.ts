// The run's timers (run timeout, retry delays, attempt timeouts): each fires a tick, all are cleared when the run ends.

import type { ScheduleRetryCommand, Tick } from "./ticks.js";

/** setTimeout's ceiling; longer delays mean "never" here. */
export const MAX_TIMER_MS = 2_147_483_647;

type TimerHandle = ReturnType<typeof setTimeout>;

/** Who a fired timer reports to (the driver's `settle`: a tick from a callback). */
export interface TimerHost {
  settle(tick: Tick): void;
}

/** The pending timers of one run. */
export class RunTimers {
  private readonly pending = new Set<TimerHandle>();
  private runTimer: TimerHandle | null = null;

  constructor(private readonly host: TimerHost) {}

  /**
   * Arms the run timeout (`timeout` in seconds; null or beyond setTimeout's range: none), of which
   * `elapsedMs` are already spent (a resumed journaled run): a spent timeout fires at once.
   */
  armRun(timeout: number | null, elapsedMs = 0): void {
    if (timeout !== null && timeout * 1000 <= MAX_TIMER_MS) {
      this.runTimer = setTimeout(() => {
        this.runTimer = null;
        this.host.settle({ type: "timed_out", timeout });
      }, Math.max(0, timeout * 1000 - elapsedMs));
    }
  }

  /** Fires `retry_due` for the delivery of `c` after its delay. */
  scheduleRetry(step: string, c: ScheduleRetryCommand): void {
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      this.host.settle({ type: "retry_due", step, seq: c.seq });
    }, Math.min(c.delayMs, MAX_TIMER_MS));
    this.pending.add(handle);
  }

  /** Arms an attempt's timeout: `fire` runs when it elapses (unless cleared first). */
  armAttempt(seconds: number, fire: () => void): TimerHandle {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fire();
    }, seconds * 1000);
    this.pending.add(timer);
    return timer;
  }

  /** Clears one timer (an attempt that ended in time). */
  clear(handle: TimerHandle): void {
    clearTimeout(handle);
    this.pending.delete(handle);
  }

  /** Clears every timer of the run (it ended). */
  clearAll(): void {
    if (this.runTimer !== null) clearTimeout(this.runTimer);
    this.runTimer = null;
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}
