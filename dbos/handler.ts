// DbosHandler and DbosContext: what `flow.run` / `flow.resume` return with a DbosRuntime. The run
// lives on a worker and in Postgres; this process reaches it through DBOS (messages, streams, the
// recorded ticks). A read that needs the run's values is async (`handler.state()`, `store()`); a
// synchronous one that this process cannot answer throws `RemoteRunError`, never a default.

import { DBOS } from "@dbos-inc/dbos-sdk";
import { Context, Event, eventClassOf, sendRefusal, StopEvent, WorkflowCancelledError, WorkflowHandler, workflowInfo, WorkflowTimeoutError, type ContextStatus, type RunHandle } from "../runtime/backend.js";
import type { SendEventOptions } from "../runtime/index.js";
import type { AnyFlow } from "./as-dbos.js";
import { decodeEvent, encodeEvent, fromDbosError } from "./codec.js";
import { RemoteRunError } from "./errors.js";
import { readRun, storeOf } from "./journal-read.js";
import { STREAM_KEY, type StreamError } from "./recorder.js";
import type { DbosRuntime } from "./runtime.js";

/** How long past a run's deadline this process waits for a worker to time it out before it says so itself. */
const GAP_GRACE_MS = 1000;

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
    this.workflowName = workflowInfo(flow).definition.name;
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
    const target = options?.step ?? null;
    const refused = sendRefusal(workflowInfo(this.flow).env, ev, target);
    if (refused !== null) throw refused;
    const p = (async () => {
      await this.ready;
      await this.rt.send(this.id, this.workflowName, { v: 1, kind: "external", event: encodeEvent(ev), target });
    })();
    p.catch(() => undefined); // callers that ignore the promise (sendEvent is void in memory) get no unhandled rejection
    return p;
  }
}

/** A DBOS run as this process reaches it: the `RunHandle` behind a `DbosHandler`. */
class DbosRun<Result, State> implements RunHandle<Result, State> {
  private settled = false;
  readonly result: Promise<Result>;
  readonly ctx: DbosContext<State>;
  /** This process's view of the run's status: null until known (a `resume` before its `enqueued` resolved). */
  private known: ContextStatus | null;

  constructor(
    private readonly rt: DbosRuntime,
    private readonly flow: AnyFlow,
    readonly runId: string,
    /** Resolves once the run is stored (run) or known (resume), with its status when that is known. */
    readonly ready: Promise<ContextStatus | void>,
    initial: ContextStatus | null,
    /** When the run's timeout ends (epoch ms), if it has one. */
    private readonly deadline: Promise<number | null>,
  ) {
    const id = runId;
    this.known = initial;
    ready.then(
      (s) => {
        if (s !== undefined && !this.settled) this.known = s;
      },
      () => {
        this.known = "failed";
      },
    );
    this.ctx = new DbosContext<State>(flow, rt, id, ready);
    this.result = (async () => {
      await ready;
      await this.untilEnd();
      const final = await rt.status(id).catch(() => null);
      if (final !== null) this.known = final;
      try {
        const raw = (await DBOS.retrieveWorkflow(id).getResult({ pollingIntervalMs: rt.readPollingMs } as never)) as { type: string; data: Record<string, unknown> };
        const ev = decodeEvent(workflowInfo(flow).env, raw);
        return (ev.constructor === StopEvent ? (ev as StopEvent).result : ev) as Result;
      } catch (error) {
        throw isDbosCancel(error) ? cancelledError(id) : fromDbosError(error);
      }
    })().finally(() => {
      this.settled = true;
    });
    this.result.catch(() => undefined);
  }

  get done(): boolean {
    return this.settled;
  }

  /**
   * Resolves once the run ended. A worker enforces the run's deadline, but a run whose version no
   * live worker serves never reaches one: past its deadline (plus a grace for a worker that just
   * took it) this process rejects with `WorkflowTimeoutError`. The run itself times out as soon as
   * a worker of its version takes it, so the two views agree.
   */
  private async untilEnd(): Promise<void> {
    const ended = this.rt.waitForEnd(this.runId, (s) => {
      if (!this.settled) this.known = s;
    });
    const deadline = await this.deadline;
    if (deadline === null) return ended;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const due = new Promise<"due">((resolve) => (timer = setTimeout(() => resolve("due"), Math.max(0, deadline + GAP_GRACE_MS - Date.now()))));
    try {
      if ((await Promise.race([ended, due])) !== "due") return;
    } finally {
      clearTimeout(timer);
    }
    const info = await this.rt.inspect(this.runId);
    if (info?.reason?.startsWith("waiting for a worker") === true) {
      this.known = "timed_out";
      const timeout = workflowInfo(this.flow).timeout ?? 0;
      throw new WorkflowTimeoutError(`${workflowInfo(this.flow).definition.name} run "${this.runId}" timed out after ${timeout}s ${info.reason}; no live worker serves its version (the run times out as soon as one takes it)`, timeout, []);
    }
    return ended;
  }

  get status(): ContextStatus {
    if (this.known === null) throw new RemoteRunError(this.runId, workflowInfo(this.flow).definition.name, "handler.status (before handler.enqueued resolved)", "await handler.enqueued first, or await handler.readStatus()");
    return this.known;
  }

  async readStatus(): Promise<ContextStatus> {
    await this.ready;
    const s = await this.rt.status(this.runId);
    if (s === null) throw new Error(`DbosRuntime: run "${this.runId}" vanished from the system database`);
    if (!this.settled) this.known = s;
    return s;
  }

  async state(): Promise<State> {
    await this.ready;
    return (await readRun(this.flow, this.runId)).store.getState() as State;
  }

  async store(): Promise<Record<string, unknown>> {
    await this.ready;
    return storeOf(await readRun(this.flow, this.runId));
  }

  streamEvents(options: { readonly from?: number } = {}): AsyncIterableIterator<Event> {
    const { rt, flow, runId: id, ready } = this;
    async function* read(): AsyncGenerator<Event> {
      await ready;
      const env = workflowInfo(flow).env;
      const from = options.from ?? 0;
      let read = 0;
      for await (const value of DBOS.readStream<Record<string, unknown>>(id, STREAM_KEY, { offset: from, pollingIntervalMs: rt.readPollingMs } as never)) {
        if ("flowspec.error" in value) throw fromDbosError({ flowspec: (value as unknown as StreamError)["flowspec.error"] });
        const ev = decodeEvent(env, value as { type: string; data: Record<string, unknown> });
        read++;
        yield ev;
        if (eventClassOf(ev).kind === "stop") return;
      }
      // The stream ended without a stop event: DBOS ends a cancelled run's stream.
      const status = await rt.status(id);
      if (status === "cancelled") throw cancelledError(id);
      if (status !== "completed" && status !== "failed" && status !== "timed_out") return;
      // A run recorded in format 2 (recorder.ts) ends its stream with its result: the stop event (or
      // its error) comes last, at the offset after the last entry. A run recorded in format 1 wrote it
      // as an entry, so a reader that gets here started past it (as does one that started past the end).
      if (read === 0 && from > 0) {
        const end = await rt.streamEnd(id);
        if (end === null || end.closed || from !== end.length) return;
      }
      let raw: { type: string; data: Record<string, unknown> };
      try {
        raw = (await DBOS.retrieveWorkflow(id).getResult({ pollingIntervalMs: rt.readPollingMs } as never)) as { type: string; data: Record<string, unknown> };
      } catch (error) {
        throw isDbosCancel(error) ? cancelledError(id) : fromDbosError(error);
      }
      yield decodeEvent(env, raw);
    }
    return read();
  }

  cancel(): void {
    void this.ready.then(() => this.rt.cancel(this.runId)).catch((e) => this.rt.warn(`flowspec/dbos: cancel of ${this.runId}: ${(e as Error)?.message ?? e}`));
  }
}

/** What `flow.run` / `flow.resume` return with a `DbosRuntime`: awaitable, streamable from any process. */
export class DbosHandler<Result = unknown, State = Record<string, unknown>> extends WorkflowHandler<Result, State> {
  /** @internal */
  static of<Result, State>(rt: DbosRuntime, flow: AnyFlow, runId: string, ready: Promise<ContextStatus | void>, initial: ContextStatus | null, deadline: Promise<number | null>): DbosHandler<Result, State> {
    return new DbosHandler(new DbosRun<Result, State>(rt, flow, runId, ready, initial, deadline));
  }

  private constructor(private readonly dbos: DbosRun<Result, State>) {
    super(dbos);
  }

  override get ctx(): DbosContext<State> {
    return this.dbos.ctx;
  }

  /**
   * Where the run stands, as this process last saw it: `running`, `waiting` (nothing in flight or
   * queued: it waits for an event from outside, or for a worker of its version), `completed`,
   * `failed`, `cancelled` or `timed_out`. Refreshed every `pollingIntervalMs` while the run is
   * going. Known at once for `run`; for `resume`, once `handler.enqueued` resolved (before that it
   * throws `RemoteRunError`). `await handler.readStatus()` asks Postgres now.
   */
  override get status(): ContextStatus {
    return this.dbos.status;
  }

  /** The run's status, read from Postgres now (it also refreshes `handler.status`). */
  readStatus(): Promise<ContextStatus> {
    return this.dbos.readStatus();
  }

  /** Resolves once the run is enqueued (or, for `resume`, known); rejects with the enqueue's error. */
  get enqueued(): Promise<void> {
    return this.dbos.ready.then(() => undefined);
  }
}
