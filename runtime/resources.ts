// Per-run resource resolution. A `cache: true` resource is made once per run (its factory's
// promise shared by concurrent first users), a `cache: false` one per step call. Once every
// resource of a step is made, the step's resources object is reused and the call stays
// synchronous: no await on the hot path for steps with cached resources.

import type { ResourceDefinition } from "./definition.js";
import type { StepEnv } from "./routing.js";

const NO_RESOURCES: Readonly<Record<string, unknown>> = Object.freeze({});

/** True for promises and other thenables. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * Resolves the resources object passed to each step call, for one run.
 *
 * @example
 * ```ts
 * const r = new ResourceResolver({ llm: { factory: createLlm, cache: true } }, stepCount);
 * const resources = r.forStep(step); // { llm } or a promise of it
 * ```
 */
export class ResourceResolver {
  private readonly made = new Map<string, unknown>();
  private readonly making = new Map<string, Promise<unknown>>();
  private readonly perStep: (Readonly<Record<string, unknown>> | undefined)[];

  constructor(
    private readonly definitions: Readonly<Record<string, ResourceDefinition>>,
    stepCount: number,
  ) {
    this.perStep = new Array(stepCount).fill(undefined);
  }

  /** The step's resources object, or a promise of it when a factory is async. Throws if a factory throws. */
  forStep(step: StepEnv): Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>> {
    if (step.resources.length === 0) return NO_RESOURCES;
    const reused = this.perStep[step.index];
    if (reused !== undefined) return reused;
    let allCached = true;
    let pending = false;
    const values: unknown[] = [];
    for (const name of step.resources) {
      const def = this.definitions[name];
      if (def === undefined) throw new Error(`Step "${step.name}" uses resource "${name}", which the workflow does not define`);
      const value = def.cache ? this.cached(name, def) : def.factory();
      if (!def.cache) allCached = false;
      if (isThenable(value)) pending = true;
      values.push(value);
    }
    const build = (resolved: readonly unknown[]): Readonly<Record<string, unknown>> => {
      const obj: Record<string, unknown> = {};
      step.resources.forEach((name, i) => (obj[name] = resolved[i]));
      if (allCached) this.perStep[step.index] = obj;
      return obj;
    };
    return pending ? Promise.all(values).then(build) : build(values);
  }

  private cached(name: string, def: ResourceDefinition): unknown {
    if (this.made.has(name)) return this.made.get(name);
    const inProgress = this.making.get(name);
    if (inProgress !== undefined) return inProgress;
    const value = def.factory();
    if (!isThenable(value)) {
      this.made.set(name, value);
      return value;
    }
    const promise = Promise.resolve(value).then(
      (v) => {
        this.made.set(name, v);
        this.making.delete(name);
        return v;
      },
      (error: unknown) => {
        this.making.delete(name); // a later attempt (a retry) calls the factory again
        throw error;
      },
    );
    this.making.set(name, promise);
    return promise;
  }
}
