// The base class of every generated `<X>Base`. It holds the resolved definition and options and
// starts runs; everything else happens in the driver.

import { randomUUID } from "node:crypto";
import { Context } from "./context.js";
import type { ResourceDefinition, WorkflowDefinition } from "./definition.js";
import { RunDriver } from "./driver.js";
import { Event } from "./event.js";
import { WorkflowHandler } from "./handler.js";
import { CONTEXT, WORKFLOW, type TickSink, type WorkflowInternals } from "./internals.js";
import { buildRunEnv } from "./routing.js";
import { RESUMABLE } from "./run-state.js";
import { checkEvent } from "./validate.js";

/** Construction-time replacements for resource factories, by resource name. */
export type ResourceOverrides<Resources> = { readonly [K in keyof Resources]?: () => Resources[K] | Promise<Resources[K]> };

/** Options of a workflow's constructor. */
export interface WorkflowOptions<Resources = Record<string, never>> {
  /** Seconds for a whole run; `null` for none. Default: the definition's timeout, else 45. */
  readonly timeout?: number | null;
  /** Log steps and run ends to the console. */
  readonly verbose?: boolean;
  /** Replacement factories (fakes in tests, configured clients in apps); each keeps its `cache` setting. */
  readonly resources?: ResourceOverrides<Resources>;
  /** Receives every tick of every run, before its effects leave the process (the journal hook). */
  readonly onTick?: TickSink;
}

/** Options of `run`. */
export interface RunOptions<State = Record<string, unknown>> {
  /** Run in this context (store and state persist across runs); resumes it when it is paused. */
  readonly ctx?: Context<State>;
  /** The run's id; default: the resumed run's, else a random UUID. */
  readonly runId?: string;
}

/** Options of `run(undefined, { ctx })`, which resumes a paused, cancelled or timed-out context. */
export interface ResumeOptions<State = Record<string, unknown>> extends RunOptions<State> {
  readonly ctx: Context<State>;
}

const DEFAULT_TIMEOUT = 45;

function resolveTimeout(definition: WorkflowDefinition, options: WorkflowOptions<unknown>): number | null {
  const timeout = options.timeout !== undefined ? options.timeout : definition.timeout !== undefined ? definition.timeout : DEFAULT_TIMEOUT;
  if (timeout !== null && !(typeof timeout === "number" && timeout >= 0)) {
    throw new TypeError(`Workflow ${definition.name}: timeout must be a number of seconds >= 0, or null; got ${String(timeout)}`);
  }
  return timeout;
}

function resolveResources(definition: WorkflowDefinition, overrides: Readonly<Record<string, unknown>>): Record<string, ResourceDefinition> {
  const resources: Record<string, ResourceDefinition> = { ...definition.resources };
  for (const [name, factory] of Object.entries(overrides)) {
    const def = definition.resources[name];
    if (def === undefined) throw new TypeError(`Workflow ${definition.name} has no resource "${name}" to override`);
    if (typeof factory !== "function") throw new TypeError(`Resource override "${name}" must be a factory function`);
    resources[name] = { factory: factory as () => unknown, cache: def.cache };
  }
  return resources;
}

/**
 * Base class of generated workflows. `State` is the typed state, `Resources` the resource types
 * by name, `StartInput` the start event's fields (`X | void` when none is required) and `Result`
 * what a run resolves to.
 *
 * @example
 * ```ts
 * class JokeFlow extends JokeFlowBase { async generateJoke(ev, ctx, { llm }) { … } … }
 * const result = await new JokeFlow({ timeout: 60 }).run({ topic: "pirates" });
 * ```
 */
export abstract class Workflow<State = Record<string, never>, Resources = Record<string, never>, StartInput = void, Result = unknown> {
  /** @internal */
  readonly [WORKFLOW]: WorkflowInternals;
  /** Phantom: carries `State` for inference; never set. */
  declare readonly __state?: State;

  constructor(definition: WorkflowDefinition, options: WorkflowOptions<Resources> = {}) {
    this[WORKFLOW] = Object.freeze({
      definition,
      env: buildRunEnv(definition),
      timeout: resolveTimeout(definition, options),
      verbose: options.verbose ?? false,
      resources: Object.freeze(resolveResources(definition, (options.resources ?? {}) as Readonly<Record<string, unknown>>)),
      onTick: options.onTick,
    });
  }

  /**
   * Starts a run with the start event's fields (or a start event instance) and returns its
   * handler. With `{ ctx }` the run uses that context; `run(undefined, { ctx })` on a paused,
   * cancelled or timed-out context resumes it. A context whose run is still going is refused
   * (throws). An invalid start payload rejects the handler with `WorkflowValidationError`.
   */
  run(input: StartInput, options?: RunOptions<State>): WorkflowHandler<Result, State>;
  /** Resumes the context's paused, cancelled or timed-out run (or, on a finished one, starts with no input). */
  run(input: undefined, options: ResumeOptions<State>): WorkflowHandler<Result, State>;
  run(input: StartInput | undefined, options: RunOptions<State> = {}): WorkflowHandler<Result, State> {
    const wi = this[WORKFLOW];
    const ctx = options.ctx ?? new Context<State>(this);
    const ci = ctx[CONTEXT];
    if (ci.workflow[WORKFLOW].definition !== wi.definition) {
      throw new TypeError(`This context belongs to workflow ${ci.env.workflow}, not ${wi.env.workflow}`);
    }
    if (ci.driver !== null) {
      throw new Error(`${wi.env.workflow}: this context's run is still going; a second run on it is refused`);
    }
    const resume = input === undefined && RESUMABLE.has(ci.run.status);
    const runId = options.runId ?? (resume ? ci.run.runId : null) ?? randomUUID();
    const driver = new RunDriver(this, ci, ctx, runId);
    ci.driver = driver;
    if (resume) {
      driver.begin({ type: "run_resumed", runId });
    } else {
      const start = startEvent(wi, input);
      if (start instanceof Event) driver.begin({ type: "run_started", runId, start });
      else driver.failEarly(start);
    }
    return new WorkflowHandler<Result, State>(driver);
  }
}

/** The start event for `input`, or the error that prevents it. */
function startEvent(wi: WorkflowInternals, input: unknown): Event | Error {
  let ev: Event;
  try {
    ev = input instanceof Event ? input : new wi.definition.startEvent(input ?? {});
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return checkEvent(ev) ?? ev;
}
