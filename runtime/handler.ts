// What `run()` returns: awaitable for the result, streamable for the events, cancellable.

import type { Context } from "./context.js";
import type { RunDriver } from "./driver.js";
import type { Event } from "./event.js";
import type { ContextStatus } from "./run-state.js";

/**
 * A running workflow. Await it for the result (the custom stop event instance, or `StopEvent`'s
 * `result`); iterate `streamEvents()` for what steps wrote; reach the run through `ctx`.
 *
 * @example
 * ```ts
 * const handler = flow.run({ topic: "pirates" });
 * for await (const ev of handler.streamEvents()) if (ev instanceof InputRequiredEvent) …;
 * const result = await handler;
 * ```
 */
export class WorkflowHandler<Result = unknown, State = Record<string, unknown>, Streamed extends Event = Event> implements PromiseLike<Result> {
  /** @internal */
  constructor(private readonly driver: RunDriver) {}

  /** The run's context: `handler.ctx.sendEvent(…)`, `handler.ctx.toJSON()`. */
  get ctx(): Context<State> {
    return this.driver.context as Context<State>;
  }

  /** The run's id: given in `run(…, { runId })`, kept on resume, else a UUID. */
  get runId(): string {
    return this.driver.runId;
  }

  /**
   * Where the run stands: `running`, `waiting` (nothing in flight or queued: it waits for an event
   * from outside, such as a human's answer), `completed`, `failed`, `cancelled` or `timed_out`.
   */
  get status(): ContextStatus {
    return this.driver.status;
  }

  /**
   * The run's typed state, read where the run is: here, its context's state; on a runtime that
   * runs it elsewhere (`flowspec/dbos`), the run's own state from there. Never a default.
   */
  async state(): Promise<State> {
    return this.ctx.store.getState();
  }

  /** The run's key/value store as a plain object (a copy), read where the run is (see `state()`). */
  async store(): Promise<Record<string, unknown>> {
    return structuredClone(Object.fromEntries(this.driver.storeEntries()));
  }

  /** True once the run ended (stopped, failed, timed out or cancelled). */
  get done(): boolean {
    return !this.driver.live;
  }

  /** Settles with the run: the result, or the error it ended with. */
  then<A = Result, B = never>(
    onfulfilled?: ((value: Result) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return (this.driver.promise as Promise<Result>).then(onfulfilled, onrejected);
  }

  /** `then(undefined, onrejected)`. */
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Result | B> {
    return (this.driver.promise as Promise<Result>).catch(onrejected);
  }

  /** Runs `onfinally` once the run ended, either way. */
  finally(onfinally?: (() => void) | null): Promise<Result> {
    return (this.driver.promise as Promise<Result>).finally(onfinally);
  }

  /**
   * The run's event stream (typed `Streamed`: for a generated workflow, the events its steps may
   * write, then one of its stop events): written events and input requests, then the stop event; it ends when
   * the run ends, throwing the run's error if it failed. Each event is delivered once: a reader
   * that breaks out of its loop (to answer a human, say) can call `streamEvents()` again and reads
   * on from where it stopped. One reader at a time; once the stop event was read, a call throws.
   *
   * With a journal, `{ from: n }` replays the stream from its n-th event (0-based) out of the
   * journal to any number of readers, then goes live. Without `from`, reading goes on from where
   * the previous `streamEvents()` reader of this handler stopped (at first: where this process
   * joined the run, 0 for a new run).
   */
  streamEvents(options?: { readonly from?: number }): AsyncIterableIterator<Streamed> {
    return this.driver.streamEvents(options) as AsyncIterableIterator<Streamed>;
  }

  /** Cancels the run: the handler rejects with `WorkflowCancelledError`; the context stays resumable. */
  cancel(): void {
    this.driver.cancel();
  }
}
