// Internal events for `include_internal=true`: the reference's `StepStateChanged` (a step starts
// working on an event, a step is done), read from the ticks of runs whose workflow was constructed
// with this object's `onTick`. They are live only: never stored, never replayed, and sent without an
// SSE `id:` (and with `"sequence": null` in NDJSON), so they leave every cursor as it is.
//
// From ticks, "running" is when an event is routed to a step (the attempt may wait for a free
// worker), and "not_running" is when its attempt succeeded or failed.

import type { EventClass, Tick, TickSink, WorkflowDefinition } from "../runtime/index.js";
import type { Envelope } from "./envelope.js";

export type InternalListener = (env: Envelope) => void;

function stepStateChanged(name: string, running: boolean, input: string | null, output: string | null): Envelope {
  return {
    value: { name, step_state: running ? "running" : "not_running", worker_id: "0", input_event_name: input, output_event_name: output },
    qualified_name: "workflows.events.StepStateChanged",
    type: "StepStateChanged",
    types: ["InternalDispatchEvent"],
  };
}

const typeOf = (ev: object): string => (ev.constructor as EventClass).typeName;

/**
 * Step state changes for the server's `include_internal` streams.
 *
 * @example
 * ```ts
 * const steps = new StepEvents();
 * const server = createServer({ workflows: { demo: new DemoFlow({ onTick: steps.onTick }) }, stepEvents: steps });
 * ```
 */
export class StepEvents {
  readonly #listeners = new Map<string, Set<InternalListener>>();
  readonly #definitions = new Map<string, WorkflowDefinition>();

  /** Pass as the workflow's `onTick` option (or call it from yours). */
  readonly onTick: TickSink = (tick, info) => {
    if (info.runId === null || this.#listeners.size === 0) return;
    const listeners = this.#listeners.get(info.runId);
    if (listeners === undefined) return;
    const definition = this.#definitions.get(info.workflow);
    if (definition === undefined) return;
    for (const env of this.#changes(definition, tick)) for (const listener of listeners) listener(env);
  };

  /** The server registers each served workflow's definition (for routing an event to its steps). */
  register(definition: WorkflowDefinition): void {
    if (!this.#definitions.has(definition.name)) this.#definitions.set(definition.name, definition);
  }

  /** Follows one run's step changes until the returned function is called. */
  listen(runId: string, listener: InternalListener): () => void {
    let set = this.#listeners.get(runId);
    if (set === undefined) this.#listeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(runId) === set) this.#listeners.delete(runId);
    };
  }

  #routed(definition: WorkflowDefinition, type: string, target: string | null): Envelope[] {
    return definition.steps
      .filter((s) => (target === null || s.name === target || s.method === target) && s.accepts.some((c) => c.typeName === type))
      .map((s) => stepStateChanged(s.name, true, type, null));
  }

  #changes(definition: WorkflowDefinition, tick: Tick): Envelope[] {
    switch (tick.type) {
      case "run_started":
        return this.#routed(definition, typeOf(tick.start), null);
      case "event_sent":
        return this.#routed(definition, typeOf(tick.event), tick.target);
      case "attempt_succeeded": {
        const output = tick.result === null ? null : typeOf(tick.result);
        const done = stepStateChanged(tick.step, false, null, output);
        const stops = tick.result !== null && (tick.result.constructor as EventClass).kind === "stop";
        return output === null || stops ? [done] : [done, ...this.#routed(definition, output, null)];
      }
      case "attempt_failed":
        return [stepStateChanged(tick.step, false, null, null)];
      default:
        return [];
    }
  }
}
