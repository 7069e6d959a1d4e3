// The base class of every generated `<X>Base`. It holds the resolved definition and options and
// hands runs to its runner: in memory (local-runner.ts), journaled (durable/) or a runtime's
// (`flowspec/dbos`). Everything else happens in the runner and the driver.

import type { Context } from "./context.js";
import type { ResourceDefinition, WorkflowDefinition } from "./definition.js";
import type { Event } from "./event.js";
import type { WorkflowHandler } from "./handler.js";
import { WORKFLOW, type TickSink, type WorkflowInternals } from "./internals.js";
import { LocalRunner } from "./local-runner.js";
import { buildRunEnv } from "./routing.js";
import type { ResumeAllResult, RuntimeBinding, StepHook, WorkflowRunner, WorkflowRuntime } from "./run-recorder.js";
import { journaledRunner, type Journal } from "./durable/index.js";

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
  /**
   * Runs around every step body this process executes: tracing, metrics, a step's start and end
   * (`flowspec/server`'s `StepStateChanged`). Call `body` once and return its result; see
   * docs/backends.md (`StepHook`). A runtime's own hook runs inside it.
   */
  readonly aroundStep?: StepHook;
  /** Runs this workflow elsewhere (`flowspec/dbos`'s `DbosRuntime`); default: in this process. */
  readonly runtime?: WorkflowRuntime;
  /**
   * Makes runs durable: every tick is appended to this journal (`SqliteJournal` from
   * `flowspec/sqlite`) before its effects leave the process; `resume(runId)` and `resumeAll()`
   * continue runs after a crash. See docs/durable.md.
   */
  readonly journal?: Journal;
  /** Journaled runs: take a snapshot every this many ticks (default 1000), so resume cost stays bounded. */
  readonly snapshotEvery?: number;
  /**
   * Journaled runs: start a step attempt only once the batch that delivered its event is
   * committed (default true). false: attempts start at once (faster; see docs/durable.md).
   */
  readonly commitBeforeSteps?: boolean;
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

/** `outer` around `inner` around the body; either may be absent. */
function nestHooks(outer: StepHook | undefined, inner: StepHook | undefined): StepHook | undefined {
  if (outer === undefined || inner === undefined) return outer ?? inner;
  return (call, body) => outer(call, () => inner(call, body));
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
 * by name, `StartInput` the start event's fields (`X | void` when none is required), `Result`
 * what a run resolves to and `Streamed` what its stream yields.
 *
 * @example
 * ```ts
 * class JokeFlow extends JokeFlowBase { async generateJoke(ev, ctx, { llm }) { … } … }
 * const result = await new JokeFlow({ timeout: 60 }).run({ topic: "pirates" });
 * ```
 */
export abstract class Workflow<State = Record<string, never>, Resources = Record<string, never>, StartInput = void, Result = unknown, Streamed extends Event = Event> {
  /** @internal */
  readonly [WORKFLOW]: WorkflowInternals;
  /** Phantom: carries `State` for inference; never set. */
  declare readonly __state?: State;
  /** Executes this workflow's runs. */
  readonly #runner: WorkflowRunner;

  constructor(definition: WorkflowDefinition, options: WorkflowOptions<Resources> = {}) {
    if (options.runtime !== undefined && options.journal !== undefined) {
      throw new TypeError(`Workflow ${definition.name}: give either a journal or a runtime, not both`);
    }
    let binding: RuntimeBinding | undefined;
    let runner: WorkflowRunner | undefined;
    this[WORKFLOW] = Object.freeze({
      definition,
      env: buildRunEnv(definition),
      timeout: resolveTimeout(definition, options),
      verbose: options.verbose ?? false,
      resources: Object.freeze(resolveResources(definition, (options.resources ?? {}) as Readonly<Record<string, unknown>>)),
      // Read when a run starts: the runtime's binding is known by then.
      onTick: options.runtime === undefined ? options.onTick : (tick, info) => (options.onTick?.(tick, info), binding?.onTick?.(tick, info)),
      get aroundStep() {
        return nestHooks(options.aroundStep, binding?.aroundStep);
      },
      journaled: options.journal !== undefined,
      get runner() {
        return runner;
      },
    });
    const local = new LocalRunner(this);
    if (options.runtime !== undefined) {
      binding = options.runtime.attach(this, local);
      runner = binding.runner;
    } else if (options.journal !== undefined) {
      runner = journaledRunner(this, local, options.journal, { snapshotEvery: options.snapshotEvery, commitBeforeSteps: options.commitBeforeSteps });
    } else runner = local;
    this.#runner = runner;
  }

  /**
   * Starts a run with the start event's fields (or a start event instance) and returns its
   * handler. With `{ ctx }` the run uses that context; `run(undefined, { ctx })` on a paused,
   * cancelled or timed-out context resumes it. A context whose run is still going is refused
   * (throws). An invalid start payload rejects the handler with `WorkflowValidationError`.
   */
  run(input: StartInput, options?: RunOptions<State>): WorkflowHandler<Result, State, Streamed>;
  /** Resumes the context's paused, cancelled or timed-out run (or, on a finished one, starts with no input). */
  run(input: undefined, options: ResumeOptions<State>): WorkflowHandler<Result, State, Streamed>;
  run(input: StartInput | undefined, options: RunOptions<State> = {}): WorkflowHandler<Result, State, Streamed> {
    return this.#runner.run(input, options);
  }

  /**
   * Continues a journaled run: rebuilds it from the journal (latest snapshot, then the ticks after
   * it) and re-dispatches unfinished work (in-flight attempts run again). A run that already
   * finished runs nothing and settles as it did. A run of this instance that is still live returns
   * its handler. Throws when the run is unknown, `JournalMismatchError` when it was journaled by
   * another version of the workflow, and `RunOwnedError` when another handler drives it (another
   * instance in this process, or another process whose lease has not lapsed).
   *
   * @example
   * ```ts
   * const handler = flow.resume("joke-42");
   * handler.ctx.sendEvent(new HumanResponseEvent({ response: "yes" }));
   * ```
   */
  resume(runId: string): WorkflowHandler<Result, State, Streamed> {
    return this.#runner.resume(runId);
  }

  /**
   * Resumes every unfinished (running or waiting) run of this workflow in the journal. Resolves
   * with the handlers of the runs it resumed (await them for the results); runs already live in
   * this instance are returned as they are. A run it cannot resume (another version of the spec,
   * another owner, a damaged entry) does not stop the others: it is listed in `skipped` with its
   * error.
   */
  resumeAll(): Promise<ResumeAllResult<WorkflowHandler<Result, State, Streamed>>> {
    return this.#runner.resumeAll();
  }
}

export type { ResumeAllResult, SkippedRun, WorkflowRuntime } from "./run-recorder.js";
