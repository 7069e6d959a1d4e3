// The run's event stream: what steps wrote, input requests, and the stop event last. Single
// consumer; buffered until the consumer reads; a consumer that stops early (break) detaches it,
// after which writes are dropped, so nothing accumulates for nobody.

import type { Event } from "./event.js";
import { IndexQueue } from "./queue.js";

type Waiter = { resolve(result: IteratorResult<Event>): void; reject(error: unknown): void };

const DONE: IteratorResult<Event> = Object.freeze({ value: undefined, done: true });

/**
 * A single-consumer async event stream.
 *
 * @example
 * ```ts
 * const s = new EventStream(); s.write(ev); s.end();
 * for await (const e of s.consume()) console.log(e);
 * ```
 */
export class EventStream {
  private readonly buffer = new IndexQueue<Event>();
  private readonly waiters = new IndexQueue<Waiter>();
  private ended = false;
  private error: Error | null = null;
  private claimed = false;
  private detached = false;

  /** Appends an event; dropped once the stream ended or its consumer left. */
  write(ev: Event): void {
    if (this.ended || this.detached) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value: ev, done: false });
    else this.buffer.push(ev);
  }

  /** Ends the stream: the consumer reads the buffered events, then ends (or throws `error`). */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error ?? null;
    for (let w = this.waiters.shift(); w !== undefined; w = this.waiters.shift()) this.settle(w);
  }

  /** Events written and not yet read (for serialization). */
  backlog(): Event[] {
    return this.buffer.toArray();
  }

  /** True once `consume()` was called. */
  get isClaimed(): boolean {
    return this.claimed;
  }

  /** The stream's one iterator; a second call throws. */
  consume(): AsyncIterableIterator<Event> {
    if (this.claimed) {
      throw new Error("This run's event stream was already consumed: streamEvents() can be called once per run");
    }
    this.claimed = true;
    const iterator: AsyncIterableIterator<Event> = {
      next: () => this.next(),
      return: () => {
        this.detach();
        return Promise.resolve(DONE);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private next(): Promise<IteratorResult<Event>> {
    if (this.detached) return Promise.resolve(DONE);
    const ev = this.buffer.shift();
    if (ev !== undefined) return Promise.resolve({ value: ev, done: false });
    if (this.ended) {
      return new Promise((resolve, reject) => this.settle({ resolve, reject }));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Answers a waiter on an ended, drained stream: the error once, then done. */
  private settle(w: Waiter): void {
    if (this.error !== null) {
      const error = this.error;
      this.detach();
      w.reject(error);
    } else {
      w.resolve(DONE);
    }
  }

  private detach(): void {
    this.detached = true;
    this.buffer.clear();
    for (let w = this.waiters.shift(); w !== undefined; w = this.waiters.shift()) w.resolve(DONE);
  }
}
