// A DBOS run seen from any process: its handler (result, stream, cancel) and its `ctx` (sendEvent).

import { DBOS } from "@dbos-inc/dbos-sdk";
import { Context, Event, StopEvent, WorkflowHandler, type SendEventOptions } from "../runtime/index.js";
import { WORKFLOW } from "../runtime/internals.js";
import { checkEvent } from "../runtime/validate.js";
import type { AnyFlow } from "./as-dbos.js";
import { decodeEvent, encodeEvent, fromDbosError } from "./codec.js";
import { STREAM_KEY, type StreamError } from "./recorder.js";
import type { DbosRuntime } from "./runtime.js";

/** `handler.ctx` of a DBOS run: `sendEvent` goes to the run through DBOS messages, from any process. */
export class DbosContext<State = Record<string, unknown>> extends Context<State> {
  /** @internal */
  constructor(
    flow: AnyFlow,
    private readonly rt: DbosRuntime,
    private readonly id: string,
    private readonly ready: Promise<void>,
  ) {
    super(flow as never);
    this.workflowName = flow[WORKFLOW].definition.name;
  }

  private readonly workflowName: string;

  override get runId(): string {
    return this.id;
  }

  /**
   * Sends an event to the run, wherever it runs. Validated here (an invalid event rejects and is
   * never sent). Resolves once the message is stored; rejects with `RunNotFoundError` for an unknown run.
   */
  override sendEvent(ev: Event, options?: SendEventOptions): Promise<void> {
    const p = (async () => {
      if (!(ev instanceof Event)) throw new TypeError("sendEvent expects an Event instance");
      const invalid = checkEvent(ev);
      if (invalid !== null) throw invalid;
      await this.ready;
      await this.rt.send(this.id, this.workflowName, { v: 1, kind: "external", event: encodeEvent(ev), target: options?.step ?? null });
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

  /** @internal */
  constructor(
    private readonly rt: DbosRuntime,
    private readonly flow: AnyFlow,
    private readonly id: string,
    private readonly ready: Promise<void>,
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
    ready.catch(() => undefined);
    this.context = new DbosContext<State>(flow, rt, id, ready);
    this.result = (async () => {
      await ready;
      await rt.waitForEnd(id);
      try {
        const raw = (await DBOS.retrieveWorkflow(id).getResult({ pollingIntervalMs: rt.readPollingMs } as never)) as { type: string; data: Record<string, unknown> };
        const ev = decodeEvent(flow[WORKFLOW].env, raw);
        return (ev.constructor === StopEvent ? (ev as StopEvent).result : ev) as Result;
      } catch (error) {
        throw fromDbosError(error);
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

  /** Resolves once the run is enqueued (or, for `resume`, known); rejects with the enqueue's error. */
  get enqueued(): Promise<void> {
    return this.ready;
  }

  /**
   * The run's stream, from any process and as often as you like: what steps wrote, input requests,
   * then the stop event; it throws the run's error if it failed. `from` skips that many entries.
   */
  override streamEvents(options: { from?: number } = {}): AsyncIterableIterator<Event> {
    const { rt, flow, id, ready } = this;
    async function* read(): AsyncGenerator<Event> {
      await ready;
      const env = flow[WORKFLOW].env;
      for await (const value of DBOS.readStream<Record<string, unknown>>(id, STREAM_KEY, { offset: options.from ?? 0, pollingIntervalMs: rt.readPollingMs } as never)) {
        if ("flowspec.error" in value) throw fromDbosError({ flowspec: (value as unknown as StreamError)["flowspec.error"] });
        yield decodeEvent(env, value as { type: string; data: Record<string, unknown> });
      }
    }
    return read();
  }

  /** Cancels the run, wherever it runs (a message: it reaches the run in milliseconds). */
  override cancel(): void {
    void this.ready.then(() => this.rt.send(this.id, this.flow[WORKFLOW].definition.name, { v: 1, kind: "cancel" })).catch(() => undefined);
  }
}
