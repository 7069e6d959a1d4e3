// The event stream of a journaled run: an append-only log any number of consumers read, each from
// its own position (`streamEvents({ from })`). A resumed run's log starts with what its stream
// carried before (read back from the journal), so `from: 0` replays the whole stream, then goes live.

import type { Event } from "../backend.js";

/**
 * A multi-consumer, replayable event stream.
 *
 * @example
 * ```ts
 * const log = new StreamLog([earlier]); log.write(ev); log.end();
 * for await (const e of log.consume(0)) console.log(e);   // earlier, ev
 * ```
 */
export class StreamLog {
  private readonly events: Event[];
  private ended = false;
  private error: Error | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(initial: readonly Event[] = []) {
    this.events = [...initial];
  }

  /** Events written so far (including the preloaded ones). */
  get length(): number {
    return this.events.length;
  }

  /** Appends an event; dropped once ended. */
  write(ev: Event): void {
    if (this.ended) return;
    this.events.push(ev);
    this.wake();
  }

  /** Ends the log; consumers read what is left, then end (or throw `error`, once each). */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error ?? null;
    this.wake();
  }

  /** A new iterator from index `from` (0-based; clamped to [0, length]); `onRead(i)` hears the index after each event read. */
  consume(from = 0, onRead?: (next: number) => void): AsyncIterableIterator<Event> {
    let i = Math.max(0, Math.min(Math.floor(from), Number.MAX_SAFE_INTEGER));
    let done = false;
    const next = (): Promise<IteratorResult<Event>> => {
      if (done) return Promise.resolve({ value: undefined, done: true });
      if (i < this.events.length) {
        const value = this.events[i++]!;
        onRead?.(i);
        return Promise.resolve({ value, done: false });
      }
      if (this.ended) {
        done = true;
        return this.error !== null ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve) => {
        const wake = (): void => {
          this.waiters.delete(wake);
          resolve(next());
        };
        this.waiters.add(wake);
      });
    };
    const iterator: AsyncIterableIterator<Event> = {
      next,
      return: () => {
        done = true;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
