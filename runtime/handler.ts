// What `run()` returns: awaitable for the result, streamable for the events, cancellable. It
// forwards to a `RunHandle`, so every runner (memory, journal, DBOS) gives the same handler.

import type { Context } from "./context.js";
import type { Event } from "./event.js";
import type { RunHandle } from "./run-recorder.js";
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
  /** Wraps a runner's handle of one run (see docs/backends.md). */
  constructor(private readonly run: RunHandle<Result, State, Streamed>) {}

  /** The run's context: `handler.ctx.sendEvent(…)`, `handler.ctx.toJSON()`. */
  get ctx(): Context<State> {
    return this.run.ctx;
  }

  /** The run's id: given in `run(…, { runId })`, kept on resume, else a UUID. */
  get runId(): string {
    return this.run.runId;
  }

  /**
   * Where the run stands: `running`, `waiting` (nothing in flight or queued: it waits for an event
   * from outside, such as a human's answer), `completed`, `failed`, `cancelled` or `timed_out`.
   */
  get status(): ContextStatus {
    return this.run.status;
  }

  /**
   * The run's typed state, read where the run is: here, its context's state; on a runtime that
   * runs it elsewhere (`flowspec/dbos`), the run's own state from there. Never a default.
   */
  state(): Promise<State> {
    return this.run.state();
  }

  /** The run's key/value store as a plain object (a copy), read where the run is (see `state()`). */
  store(): Promise<Record<string, unknown>> {
    return this.run.store();
  }

  /** True once the run ended (stopped, failed, timed out or cancelled). */
  get done(): boolean {
    return this.run.done;
  }

  /** Settles with the run: the result, or the error it ended with. */
  then<A = Result, B = never>(
    onfulfilled?: ((value: Result) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run.result.then(onfulfilled, onrejected);
  }

  /** `then(undefined, onrejected)`. */
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Result | B> {
    return this.run.result.catch(onrejected);
  }

  /** Runs `onfinally` once the run ended, either way. */
  finally(onfinally?: (() => void) | null): Promise<Result> {
    return this.run.result.finally(onfinally);
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
    return this.run.streamEvents(options);
  }

  /** Cancels the run: the handler rejects with `WorkflowCancelledError`; the context stays resumable. */
  cancel(): void {
    this.run.cancel();
  }
}
