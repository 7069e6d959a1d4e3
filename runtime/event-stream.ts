// The run's event stream (no journal): what steps wrote, input requests, and the stop event last.
// One consumer at a time, each event delivered once; buffered until read. A consumer that breaks
// out of its loop leaves the rest buffered for the next `streamEvents()` call, as in the
// reference (break at a question, answer it, stream again).

import type { Event } from "./event.js";
import { IndexQueue } from "./queue.js";

type Waiter = { resolve(result: IteratorResult<Event>): void; reject(error: unknown): void };

const DONE: IteratorResult<Event> = Object.freeze({ value: undefined, done: true });

/**
 * A single-consumer async event stream. The consumer may leave (break out of its loop) and a new
 * one reads on from there; once the end has been read, the stream is used up.
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
  /** The reader now attached, if any. */
  private reader: object | null = null;
  /** The end (or the error) was delivered to a reader. */
  private usedUp = false;

  /** Appends an event; dropped once the stream ended. */
  write(ev: Event): void {
    if (this.ended) return;
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

  /** A reader from where the last one stopped; throws while another reader is attached, or once the end was read. */
  consume(): AsyncIterableIterator<Event> {
    if (this.usedUp) throw new Error("This run's event stream was read to its end: streamEvents() has nothing more to give");
    if (this.reader !== null) throw new Error("This run's event stream already has a reader: break out of its loop before calling streamEvents() again");
    const token = {};
    this.reader = token;
    const iterator: AsyncIterableIterator<Event> = {
      next: () => (this.reader === token ? this.next() : Promise.resolve(DONE)),
      return: () => {
        this.leave(token);
        return Promise.resolve(DONE);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private next(): Promise<IteratorResult<Event>> {
    const ev = this.buffer.shift();
    if (ev !== undefined) return Promise.resolve({ value: ev, done: false });
    if (this.ended) {
      return new Promise((resolve, reject) => this.settle({ resolve, reject }));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Answers a waiter on an ended, drained stream: the error once, then done. */
  private settle(w: Waiter): void {
    this.usedUp = true;
    this.reader = null;
    if (this.error !== null) {
      const error = this.error;
      this.error = null;
      w.reject(error);
    } else {
      w.resolve(DONE);
    }
  }

  /** The reader left: later events stay buffered for the next reader. */
  private leave(token: object): void {
    if (this.reader !== token) return;
    this.reader = null;
    for (let w = this.waiters.shift(); w !== undefined; w = this.waiters.shift()) w.resolve(DONE);
  }
}
