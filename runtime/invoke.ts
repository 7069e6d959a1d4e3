// Calling a step: its method (looked up once per run), its resources, and what its return value
// means for the run. Kept apart from the driver, which owns timing and ticks.

import { Event, eventClassOf } from "./event.js";
import { WorkflowRuntimeError } from "./errors.js";
import type { WorkflowInternals, WorkflowLike } from "./internals.js";
import { isThenable, ResourceResolver } from "./resources.js";
import { classInfo, type RunEnv, type StepEnv } from "./routing.js";
import { emitError } from "./sends.js";
import type { AttemptContext } from "./step-context.js";
import type { Tick } from "./ticks.js";
import type { StepHook } from "./run-recorder.js";
import { checkEvent, describe } from "./validate.js";

/** Calls steps for one run. */
export class StepInvoker {
  /** Step methods by step index (a keyed lookup per call would be megamorphic). */
  private readonly methods: (Function | undefined)[] = [];
  private readonly resources: ResourceResolver;
  private readonly env: RunEnv;
  private readonly around: StepHook | undefined;

  constructor(
    private readonly workflow: WorkflowLike,
    wi: WorkflowInternals,
  ) {
    this.env = wi.env;
    this.around = wi.aroundStep;
    this.resources = new ResourceResolver(wi.resources, wi.env.steps.length);
  }

  /**
   * Calls `this[step.method](ev, ctx, resources)`; returns what the method returned (a value, or
   * a promise when the method or a resource factory is async). Throws what the call throws.
   */
  invoke(step: StepEnv, ev: Event, ctx: AttemptContext): unknown {
    const resources = this.resources.forStep(step);
    return isThenable(resources) ? resources.then((r) => this.call(step, ev, ctx, r)) : this.call(step, ev, ctx, resources);
  }

  /** The tick a step's return value makes: its event routed, or the run failed. */
  outcome(actx: AttemptContext, value: unknown): Tick {
    const step = actx.step;
    if (value === undefined || value === null) {
      return { type: "attempt_succeeded", step: step.name, seq: actx.seq, attempt: actx.attempt, result: null };
    }
    if (!(value instanceof Event)) {
      const message = `Step "${step.name}" returned ${describe(value)}; a step returns an event or nothing`;
      return { type: "run_failed", error: new WorkflowRuntimeError(message, { step: step.name }) };
    }
    const cls = classInfo(this.env, eventClassOf(value));
    const error = emitError(step, cls, "returned") ?? checkEvent(value, cls);
    if (error !== null) return { type: "run_failed", error };
    return { type: "attempt_succeeded", step: step.name, seq: actx.seq, attempt: actx.attempt, result: value };
  }

  /** Validates an event against its class's schema. */
  check(ev: Event): Error | null {
    return checkEvent(ev, classInfo(this.env, eventClassOf(ev)));
  }

  private call(step: StepEnv, ev: Event, ctx: AttemptContext, resources: unknown): unknown {
    let method = this.methods[step.index];
    if (method === undefined) {
      const found = (this.workflow as unknown as Record<string, unknown>)[step.method];
      if (typeof found !== "function") {
        throw new TypeError(`${this.env.workflow} has no method "${step.method}" for step "${step.name}"`);
      }
      method = this.methods[step.index] = found;
    }
    const around = this.around;
    if (around === undefined) return method.call(this.workflow, ev, ctx, resources);
    const body = method;
    return around({ workflow: this.env.workflow, step: step.name, event: ev, attempt: ctx.attempt, ctx }, () => body.call(this.workflow, ev, ctx, resources));
  }
}
