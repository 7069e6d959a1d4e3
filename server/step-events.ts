// Internal events for `include_internal=true`: the reference's `StepStateChanged` (a step attempt
// starts, a step attempt ends) and `WorkflowIdleEvent` (nothing is running or queued: the run waits
// for an event from outside), for runs whose workflow was constructed with this object's `options`
// (its `aroundStep` sees an attempt's body start; its `onTick` sees the attempt's outcome applied,
// after what the attempt wrote to the stream). They are live only: never stored, never replayed, and
// sent without an SSE `id:` (and with `"sequence": null` in NDJSON), so they leave every cursor as
// it is.

import type { EventClass, StepHook, TickSink } from "../runtime/index.js";
import type { Envelope } from "./envelope.js";

/** A reader of one run's internal events; `isIdle` says whether the run now waits for an outside event. */
interface Listener {
  readonly push: (env: Envelope) => void;
  readonly isIdle: () => boolean;
}

function stepStateChanged(name: string, running: boolean, input: string | null, output: string | null): Envelope {
  return {
    value: { name, step_state: running ? "running" : "not_running", worker_id: "0", input_event_name: input, output_event_name: output },
    qualified_name: "workflows.events.StepStateChanged",
    type: "StepStateChanged",
    types: ["InternalDispatchEvent"],
  };
}

const IDLE: Envelope = { value: {}, qualified_name: "workflows.events.WorkflowIdleEvent", type: "WorkflowIdleEvent", types: ["InternalDispatchEvent"] };

/** The type name of a step's result, when it returned an event. */
function outputOf(result: unknown): string | null {
  const cls = (result as { constructor?: Partial<EventClass> } | null | undefined)?.constructor;
  return typeof cls?.typeName === "string" ? cls.typeName : null;
}

/**
 * Step attempts and idleness for the server's `include_internal` streams.
 *
 * @example
 * ```ts
 * const steps = new StepEvents();
 * const server = createServer({ workflows: { demo: new DemoFlow({ ...steps.options }) }, stepEvents: steps });
 * ```
 */
export class StepEvents {
  readonly #listeners = new Map<string, Set<Listener>>();
  /** Attempts running now, by run id (only for runs someone listens to). */
  readonly #running = new Map<string, number>();

  /** Spread into the workflow's options: `new DemoFlow({ ...steps.options, resources })`. */
  get options(): { readonly aroundStep: StepHook; readonly onTick: TickSink } {
    return { aroundStep: this.aroundStep, onTick: this.onTick };
  }

  /** A step attempt's body starts. */
  readonly aroundStep: StepHook = ({ step, event, ctx }, body) => {
    const runId = ctx.runId;
    if (this.#listeners.has(runId)) {
      this.#running.set(runId, (this.#running.get(runId) ?? 0) + 1);
      this.#emit(runId, stepStateChanged(step, true, outputOf(event), null));
    }
    return body();
  };

  /** A step attempt's outcome is applied (after what it wrote to the stream). */
  readonly onTick: TickSink = (tick, { runId }) => {
    if (runId === null || !this.#listeners.has(runId)) return;
    if (tick.type !== "attempt_succeeded" && tick.type !== "attempt_failed") return;
    this.#emit(runId, stepStateChanged(tick.step, false, null, tick.type === "attempt_succeeded" ? outputOf(tick.result) : null));
    const left = (this.#running.get(runId) ?? 1) - 1;
    if (left > 0) return void this.#running.set(runId, left);
    this.#running.delete(runId);
    // The outcome is applied once this tick's commands ran: then ask whether the run waits.
    setImmediate(() => this.#maybeIdle(runId));
  };

  /** Follows one run's internal events until the returned function is called. */
  listen(runId: string, push: (env: Envelope) => void, isIdle: () => boolean): () => void {
    let set = this.#listeners.get(runId);
    if (set === undefined) this.#listeners.set(runId, (set = new Set()));
    const listener = { push, isIdle };
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(runId) === set) this.#listeners.delete(runId);
    };
  }

  #emit(runId: string, env: Envelope): void {
    const set = this.#listeners.get(runId);
    if (set !== undefined) for (const listener of set) listener.push(env);
  }

  #maybeIdle(runId: string): void {
    if (this.#running.has(runId)) return; // another attempt started meanwhile
    const set = this.#listeners.get(runId);
    if (set === undefined) return;
    for (const listener of set) if (listener.isIdle()) listener.push(IDLE);
  }
}
