// The run-level context: bound to a workflow, reusable across runs (its store and state persist),
// serializable at any time. Steps get a narrower, per-attempt `StepContext`.

import { CONTEXT, WORKFLOW, type ContextInternals, type WorkflowLike } from "./internals.js";
import { Mutex } from "./lock.js";
import { eventClassOf, type Event } from "./event.js";
import { classInfo } from "./routing.js";
import { contextStatus, createRunState, RESUMABLE, type ContextStatus } from "./run-state.js";
import { finishedError, refusalOf } from "./sends.js";
import { restoreContext, serializeContext, type ContextJSON } from "./serialize.js";
import type { SendEventOptions } from "./step-context.js";
import { ContextStore, submitToContext } from "./store.js";
import { assertEvent, checkEvent, parseState } from "./validate.js";

/** A workflow instance whose typed state is `State` (any `Workflow<State, …>`). */
export interface WorkflowOf<State> extends WorkflowLike {
  /** Phantom: carries `State` for inference; never set. */
  readonly __state?: State;
}

/**
 * A workflow run's context: store, typed state, queues, buffers. `handler.ctx` is one; create
 * one with `new Context(flow)` to share a store across runs, and pass it as `run(input, { ctx })`.
 *
 * @example
 * ```ts
 * const ctx = new Context(flow);
 * await flow.run({ topic: "a" }, { ctx });
 * await flow.run({ topic: "b" }, { ctx });   // same store and state
 * const saved = JSON.stringify(ctx.toJSON());
 * const restored = Context.fromJSON(new JokeFlow(), saved);
 * ```
 */
export class Context<State = Record<string, unknown>> {
  /** @internal */
  readonly [CONTEXT]: ContextInternals;
  /** The key/value store and the typed state. */
  readonly store: ContextStore<State>;

  constructor(workflow: WorkflowOf<State>) {
    const wi = workflow[WORKFLOW];
    const initial = parseState(wi.definition.state, {});
    if (!initial.ok) throw initial.error;
    this[CONTEXT] = {
      workflow,
      env: wi.env,
      run: createRunState(wi.env.steps.length, initial.state),
      driver: null,
      mutex: new Mutex(),
      backlog: [],
    };
    this.store = new ContextStore<State>(this[CONTEXT], null);
  }

  /**
   * Where the context's (last) run stands. `waiting`: running, with no step in flight and nothing
   * queued, so nothing happens until an event arrives from outside (a human's answer, say).
   */
  get status(): ContextStatus {
    return contextStatus(this[CONTEXT].run);
  }

  /** The current or last run's id, or null before the first run. */
  get runId(): string | null {
    return this[CONTEXT].run.runId;
  }

  /** True while a run of this context is going. */
  get isRunning(): boolean {
    return this[CONTEXT].driver !== null;
  }

  /**
   * Sends an event into the run from outside (a `HumanResponseEvent`, say): to every step that
   * accepts it, or to `options.step` only. Refused at once (throws) when the event is invalid,
   * when no step of the run accepts it (the error lists the events it accepts), or when the run
   * has finished. With no run going, a paused, cancelled or timed-out run keeps the event for the
   * run that resumes it.
   */
  sendEvent(ev: Event, options?: SendEventOptions): void {
    assertEvent(ev, "sendEvent");
    const ci = this[CONTEXT];
    const target = options?.step ?? null;
    if (ci.driver !== null) {
      ci.driver.sendFromOutside(ev, target);
      return;
    }
    const cls = classInfo(ci.env, eventClassOf(ev));
    const status = ci.run.status;
    const error =
      checkEvent(ev, cls) ??
      (RESUMABLE.has(status) ? null : finishedError(ci.env.workflow, ci.run.runId, status === "idle" ? "not started" : status)) ??
      refusalOf(ci.env, cls, target);
    if (error !== null) throw error;
    submitToContext(ci, { type: "event_sent", event: ev, target, from: null });
  }

  /** Writes an event to the running run's stream; dropped when no run is going. */
  writeEventToStream(ev: Event): void {
    this[CONTEXT].driver?.writeToStream(ev);
  }

  /** A plain-JSON snapshot: state, store, queued and in-flight events, collect buffers, unread stream. */
  toJSON(): ContextJSON {
    return serializeContext(this[CONTEXT]);
  }

  /**
   * Restores a snapshot (an object or its JSON text) onto a workflow instance, typically a new
   * one in a new process. A snapshot taken mid-run resumes with `flow.run(undefined, { ctx })`.
   */
  static fromJSON<S>(workflow: WorkflowOf<S>, json: ContextJSON | string): Context<S> {
    const ctx = new Context<S>(workflow);
    const data = typeof json === "string" ? (JSON.parse(json) as ContextJSON) : json;
    restoreContext(ctx[CONTEXT], data, workflow[WORKFLOW].definition.state);
    return ctx;
  }
}
