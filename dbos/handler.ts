// DbosHandler and DbosContext: what `flow.run` / `flow.resume` return with a DbosRuntime. The run
// lives on a worker and in Postgres; this process reaches it through DBOS (messages, streams, the
// recorded ticks). A read that needs the run's values is async (`handler.state()`, `store()`); a
// synchronous one that this process cannot answer throws `RemoteRunError`, never a default.

import { DBOS } from "@dbos-inc/dbos-sdk";
import { Context, Event, WorkflowCancelledError, StopEvent, WorkflowHandler, type ContextStatus, type SendEventOptions } from "../runtime/index.js";
import { eventClassOf } from "../runtime/event.js";
import { WORKFLOW } from "../runtime/internals.js";
import { classInfo } from "../runtime/routing.js";
import { refusalOf } from "../runtime/sends.js";
import { assertEvent, checkEvent } from "../runtime/validate.js";
import type { AnyFlow } from "./as-dbos.js";
import { decodeEvent, encodeEvent, fromDbosError } from "./codec.js";
import { RemoteRunError } from "./errors.js";
import { readRun, storeOf } from "./journal-read.js";
import { STREAM_KEY, type StreamError } from "./recorder.js";
import type { DbosRuntime } from "./runtime.js";

const ASYNC_READS = "await handler.state() (the typed state) or await handler.store() (the key/value store)";

/** Whether `error` is DBOS's report of a cancelled workflow. */
export function isDbosCancel(error: unknown): boolean {
  const name = (error as Error)?.name ?? "";
  return name === "DBOSAwaitedWorkflowCancelledError" || name === "DBOSWorkflowCancelledError" || /was cancelled/i.test(String((error as Error)?.message));
}

/** The error a cancelled DBOS run ends with, as in memory. */
export function cancelledError(runId: string): WorkflowCancelledError {
  return new WorkflowCancelledError(`The workflow run "${runId}" was cancelled`);
}

/**
 * `handler.ctx` of a DBOS run: `sendEvent` goes to the run through DBOS messages, from any process.
 * Its store, `toJSON()` and `status` are not this process's to answer: they throw `RemoteRunError`
 * naming the async call (`handler.state()`, `handler.store()`, `handler.status`).
 */
export class DbosContext<State = Record<string, unknown>> extends Context<State> {
  /** @internal */
  constructor(
    flow: AnyFlow,
    private readonly rt: DbosRuntime,
    private readonly id: string,
    private readonly ready: Promise<unknown>,
  ) {
    super(flow as never);
    this.flow = flow;
    this.workflowName = flow[WORKFLOW].definition.name;
    const remote = (what: string, instead = ASYNC_READS) => () => {
      throw new RemoteRunError(id, this.workflowName, what, instead);
    };
    // The run's store lives where the run runs: every read or write of it from here throws.
    Object.defineProperty(this, "store", {
      value: Object.freeze({
        get: remote("handler.ctx.store.get()"),
        getState: remote("handler.ctx.store.getState()"),
        set: remote("handler.ctx.store.set()", "a step of the run (send it an event) to change its store"),
        editState: async () => remote("handler.ctx.store.editState()", "a step of the run (send it an event) to change its state")(),
      }),
      enumerable: true,
    });
  }

  private readonly flow: AnyFlow;
  private readonly workflowName: string;

  override get runId(): string {
    return this.id;
  }

  /** Not answerable here: use `handler.status` (this process's view) or `await runtime.status(runId)`. */
  override get status(): never {
    throw new RemoteRunError(this.id, this.workflowName, "handler.ctx.status", "handler.status, or await runtime.status(runId)");
  }

  override get isRunning(): never {
    throw new RemoteRunError(this.id, this.workflowName, "handler.ctx.isRunning", "handler.done, or await runtime.status(runId)");
  }

  override toJSON(): never {
    throw new RemoteRunError(this.id, this.workflowName, "handler.ctx.toJSON()", `${ASYNC_READS}; the run itself is its journal (flow.resume(runId) from any process)`);
  }

  override writeEventToStream(_ev: Event): never {
    throw new RemoteRunError(this.id, this.workflowName, "handler.ctx.writeEventToStream()", "a step of the run (ctx.writeEventToStream inside a step)");
  }

  /**
   * Sends an event to the run, wherever it runs. Refused at once (throws, as in memory) when the
   * event is invalid or no step of the run accepts it (the error lists the events it accepts).
   * Otherwise returns a promise: it resolves once the message is stored, and rejects with
   * `RunNotFoundError` for an unknown run and `WorkflowRuntimeError` for a run that has finished.
   * A cancelled run keeps the event for the `resume` that continues it.
   */
  override sendEvent(ev: Event, options?: SendEventOptions): Promise<void> {
    assertEvent(ev, "sendEvent");
    const env = this.flow[WORKFLOW].env;
    const cls = classInfo(env, eventClassOf(ev));
    const target = options?.step ?? null;
    const refused = checkEvent(ev, cls) ?? refusalOf(env, cls, target);
    if (refused !== null) throw refused;
    const p = (async () => {
      await this.ready;
      await this.rt.send(this.id, this.workflowName, { v: 1, kind: "external", event: encodeEvent(ev), target });
    })();
    p.catch(() => undefined); // callers that ignore the promise (sendEvent is void in memory) get no unhandled rejection
    return p;
  }
}

/** What `flow.run` / `flow.resume` return with a `DbosRuntime`: awaitable, streamable from any process. */
export class DbosHandler<Result = unknown, State = Record<string, unknown>> extends WorkflowHandler<Result, State> {
  private settled = false;
  private readonly result: Promise<Result>;
  private readonly context: DbosContext<State>;
  /** This process's view of the run's status: null until known (a `resume` before its `enqueued` resolved). */
  private known: ContextStatus | null;

  /** @internal */
  constructor(
    private readonly rt: DbosRuntime,
    private readonly flow: AnyFlow,
    private readonly id: string,
    /** Resolves once the run is stored (run) or known (resume), with its status when that is known. */
    private readonly ready: Promise<ContextStatus | void>,
    initial: ContextStatus | null,
  ) {
    const box: { self?: DbosHandler<Result, State> } = {};
    const fake = {
      get context() {
        return box.self!.context;
      },
      runId: id,
      get live() {
        return !box.self!.settled;
      },
      get promise() {
        return box.self!.result;
      },
      stream: { consume: () => box.self!.streamEvents() },
      cancel: () => box.self!.cancel(),
    };
    super(fake as unknown as ConstructorParameters<typeof WorkflowHandler>[0]);
    box.self = this;
    this.known = initial;
    ready.then(
      (s) => {
        if (s !== undefined && !this.settled) this.known = s;
      },
      () => {
        this.known = "failed";
      },
    );
    this.context = new DbosContext<State>(flow, rt, id, ready);
    this.result = (async () => {
      await ready;
      await rt.waitForEnd(id, (s) => {
        if (!this.settled) this.known = s;
      });
      const final = await rt.status(id).catch(() => null);
      if (final !== null) this.known = final;
      try {
        const raw = (await DBOS.retrieveWorkflow(id).getResult({ pollingIntervalMs: rt.readPollingMs } as never)) as { type: string; data: Record<string, unknown> };
        const ev = decodeEvent(flow[WORKFLOW].env, raw);
        return (ev.constructor === StopEvent ? (ev as StopEvent).result : ev) as Result;
      } catch (error) {
        throw isDbosCancel(error) ? cancelledError(id) : fromDbosError(error);
      }
    })().finally(() => {
      this.settled = true;
    });
    this.result.catch(() => undefined);
  }

  override get ctx(): DbosContext<State> {
    return this.context;
  }

  override get runId(): string {
    return this.id;
  }

  /**
   * Where the run stands, as this process last saw it: `running`, `waiting` (nothing in flight or
   * queued: it waits for an event from outside, or for a worker of its version), `completed`,
   * `failed`, `cancelled` or `timed_out`. Refreshed every `pollingIntervalMs` while the run is
   * going. Known at once for `run`; for `resume`, once `handler.enqueued` resolved (before that it
   * throws `RemoteRunError`). `await handler.readStatus()` asks Postgres now.
   */
  override get status(): ContextStatus {
    if (this.known === null) throw new RemoteRunError(this.id, this.flow[WORKFLOW].definition.name, "handler.status (before handler.enqueued resolved)", "await handler.enqueued first, or await handler.readStatus()");
    return this.known;
  }

  /** The run's status, read from Postgres now (it also refreshes `handler.status`). */
  async readStatus(): Promise<ContextStatus> {
    await this.ready;
    const s = await this.rt.status(this.id);
    if (s === null) throw new Error(`DbosRuntime: run "${this.id}" vanished from the system database`);
    if (!this.settled) this.known = s;
    return s;
  }

  /** The run's typed state as of its last checkpoint, from any process (its recorded ticks, replayed). */
  override async state(): Promise<State> {
    await this.ready;
    return (await readRun(this.flow, this.id)).store.getState() as State;
  }

  /** The run's key/value store as of its last checkpoint, as a plain object (a copy), from any process. */
  override async store(): Promise<Record<string, unknown>> {
    await this.ready;
    return storeOf(await readRun(this.flow, this.id));
  }

  /** Resolves once the run is enqueued (or, for `resume`, known); rejects with the enqueue's error. */
  get enqueued(): Promise<void> {
    return this.ready.then(() => undefined);
  }

  /**
   * The run's stream, from any process and as often as you like: what steps wrote, input requests,
   * then the stop event; it throws the run's error if it failed (`WorkflowCancelledError` once it
   * was cancelled). `from` skips that many entries.
   */
  override streamEvents(options: { from?: number } = {}): AsyncIterableIterator<Event> {
    const { rt, flow, id, ready } = this;
    async function* read(): AsyncGenerator<Event> {
      await ready;
      const env = flow[WORKFLOW].env;
      for await (const value of DBOS.readStream<Record<string, unknown>>(id, STREAM_KEY, { offset: options.from ?? 0, pollingIntervalMs: rt.readPollingMs } as never)) {
        if ("flowspec.error" in value) throw fromDbosError({ flowspec: (value as unknown as StreamError)["flowspec.error"] });
        const ev = decodeEvent(env, value as { type: string; data: Record<string, unknown> });
        yield ev;
        if (eventClassOf(ev).kind === "stop") return;
      }
      // The stream ended without a stop event: DBOS ends a cancelled run's stream.
      if ((await rt.status(id)) === "cancelled") throw cancelledError(id);
    }
    return read();
  }

  /** Cancels the run, wherever it runs (DBOS cancellation: `flow.resume(runId)` continues it later). */
  override cancel(): void {
    void this.ready.then(() => this.rt.cancel(this.id)).catch((e) => this.rt.warn(`flowspec/dbos: cancel of ${this.id}: ${(e as Error)?.message ?? e}`));
  }
}
