// flowspec/runtime/backend: the documented API a backend is written against (docs/backends.md).
// The journaled runner (runtime/durable/), flowspec/sqlite and flowspec/dbos import the runtime
// through this module or flowspec/runtime only; tests/architecture.test.ts keeps it that way.
//
// What is here: the seams (runners, run handles, recorders, step hooks), reading a workflow and a
// context, the reducer and its state, the codecs, and the checks every runtime applies to a send.

import type { Context } from "./context.js";
import type { WorkflowHandler } from "./handler.js";
import type { WorkflowDefinition } from "./definition.js";
import { eventClassOf, type Event } from "./event.js";
import { CONTEXT, WORKFLOW, type ContextInternals, type WorkflowLike } from "./internals.js";
import { Mutex } from "./lock.js";
import { classInfo, type RunEnv } from "./routing.js";
import { createRunState, type RunState } from "./run-state.js";
import { refusalOf } from "./sends.js";
import { restoreContext, snapshotText, type ContextJSON } from "./serialize.js";
import { assertEvent, checkEvent } from "./validate.js";
import type { ZodType } from "zod";

// The seams.
export type {
  RunHandle,
  WorkflowRunner,
  RunnerRunOptions,
  RunRecorder,
  LocalRunOptions,
  StepHook,
  StepCall,
  RuntimeBinding,
  WorkflowRuntime,
  ResumeAllResult,
  SkippedRun,
} from "./run-recorder.js";
export { LocalRunner, type RunRequest } from "./local-runner.js";
export type { RunDriver } from "./driver.js";
export { WorkflowHandler } from "./handler.js";
export type { Workflow, WorkflowOptions, RunOptions } from "./workflow.js";
export { Context } from "./context.js";
export { UnjournalableError, asError, describeThrown } from "./thrown.js";

// Events, errors and the codecs.
export { Event, StopEvent, eventClassOf, type EventClass, type EventKind } from "./event.js";
export { WorkflowCancelledError, WorkflowRuntimeError, WorkflowTimeoutError, WorkflowValidationError, JournalMismatchError } from "./errors.js";
export { startEventOf } from "./event-codec.js";
export { encodeTick, decodeTick, encodeEvent, decodeEvent, encodeError, decodeError, encodeStatePatch, type SerializedTick, type SerializedError } from "./tick-codec.js";
export type { SerializedEvent, ContextJSON } from "./serialize.js";
export type { Tick, Command } from "./ticks.js";

// The reducer and its state.
export { reduce, reduceInto, type CommandSink } from "./reduce.js";
export { buildRunEnv, type RunEnv, type StepEnv } from "./routing.js";
export { createRunState, contextStatus, endedStatus, type RunState, type StepState, type RunStatus, type ContextStatus } from "./run-state.js";
export { parseState } from "./validate.js";
export { finishedError, isFinishedRefusal } from "./sends.js";

// Shapes (what a version of a workflow is, for journals and deploys).
export { workflowShape, shapeFingerprint, composeShape, namesOnly, type WorkflowShape, type FieldShape, type FieldShapes, type StepShape, type EventShape } from "./shape.js";
export type { WorkflowDefinition, StepDefinition, ResourceDefinition } from "./definition.js";
export type { TickSink } from "./internals.js";

/** What a workflow instance resolved from its definition and construction options. */
export interface WorkflowInfo {
  readonly definition: WorkflowDefinition;
  /** The routing tables the reducer uses. */
  readonly env: RunEnv;
  /** The run timeout in seconds, or null for none. */
  readonly timeout: number | null;
  /** Its runs live outside this process (a runtime's runner says so): `resume(runId)` reaches any of them from any process. */
  readonly remote: boolean;
}

/** What `workflow` resolved (its definition, routing and run timeout). */
export function workflowInfo(workflow: WorkflowLike): WorkflowInfo {
  const wi = workflow[WORKFLOW];
  return { definition: wi.definition, env: wi.env, timeout: wi.timeout, remote: wi.runner?.remote === true }; // no runner yet while the workflow is being constructed
}

/**
 * A handler on one of `workflow`'s runs wherever it runs, changing nothing (the runner's `attach`),
 * or null when its runs cannot be reached from another process (in memory, a journal: use
 * `resume`). The handler rejects when there is no such run.
 */
export function attachRun(workflow: WorkflowLike, runId: string): WorkflowHandler<any, any, any> | null {
  return workflow[WORKFLOW].runner?.attach?.(runId) ?? null;
}

/** The run state a context holds: what the reducer reads and writes. A backend reads it, or rebuilds it before the context's run starts. */
export function runStateOf(ctx: Context<any>): RunState {
  return ctx[CONTEXT].run;
}

/** A context as JSON text without its stream (a journal snapshot). */
export function snapshotOf(ctx: Context<any>): string {
  return snapshotText(ctx[CONTEXT]);
}

/** The run state a `ContextJSON` holds, parsed for `env` (`stateSchema`: the definition's state schema). */
export function runStateFromJSON(env: RunEnv, json: ContextJSON, stateSchema: ZodType | undefined): RunState {
  const ci: ContextInternals = { workflow: null as never, env, run: createRunState(env.steps.length, {}), driver: null, mutex: new Mutex(), backlog: [] };
  restoreContext(ci, json, stateSchema);
  return ci.run;
}

/**
 * Why a send from outside a run is refused, or null: an invalid event (the schema's issues), or
 * one that no step of `env` accepts (the error lists the events the run accepts). Every runtime
 * refuses these at once, before anything reaches the run. Throws on a value that is not an event.
 */
export function sendRefusal(env: RunEnv, ev: Event, target: string | null): Error | null {
  assertEvent(ev, "sendEvent");
  const cls = classInfo(env, eventClassOf(ev));
  return checkEvent(ev, cls) ?? refusalOf(env, cls, target);
}
