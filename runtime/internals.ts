// Internal wiring between Workflow, Context and the driver. Kept behind symbol keys so nothing a
// generated subclass declares (step methods are arbitrary camelCase names) can collide with it.

import type { ResourceDefinition, WorkflowDefinition } from "./definition.js";
import type { RunDriver } from "./driver.js";
import type { Event } from "./event.js";
import type { Mutex } from "./lock.js";
import type { RunEnv } from "./routing.js";
import type { RunState } from "./run-state.js";
import type { Tick } from "./ticks.js";
import type { StepHook, WorkflowRunner } from "./run-recorder.js";

/** Key of a workflow instance's internals. */
export const WORKFLOW: unique symbol = Symbol("flowspec.workflow");
/** Key of a context's internals. */
export const CONTEXT: unique symbol = Symbol("flowspec.context");

/**
 * Receives every tick of a run, in order, before its effects leave the process (before the
 * reducer sees it). The durable journal is built on this hook; tracing can use it too. It must
 * not throw. Ticks applied to a context with no run going (a `store.set` or `sendEvent` between
 * runs) come through too, after they were applied, and only if they were accepted.
 */
export type TickSink = (tick: Tick, info: { readonly workflow: string; readonly runId: string | null }) => void;

/** What a workflow instance resolved from its definition and options. */
export interface WorkflowInternals {
  readonly definition: WorkflowDefinition;
  readonly env: RunEnv;
  /** Seconds, or null for none. */
  readonly timeout: number | null;
  readonly verbose: boolean;
  /** The definition's resources with construction overrides applied. */
  readonly resources: Readonly<Record<string, ResourceDefinition>>;
  readonly onTick: TickSink | undefined;
  /** Runs around every step body (a runtime's hook), if any. */
  readonly aroundStep: StepHook | undefined;
  /** Runs are journaled: a change to a context whose run is not live here would never reach the journal. */
  readonly journaled: boolean;
  /** What executes the workflow's runs (undefined only while the workflow is being constructed). */
  readonly runner: WorkflowRunner | undefined;
}

/** A workflow instance, as the runtime sees it. */
export interface WorkflowLike {
  readonly [WORKFLOW]: WorkflowInternals;
}

/** What a context holds. */
export interface ContextInternals {
  /** The workflow instance the context is bound to. */
  readonly workflow: WorkflowLike;
  readonly env: RunEnv;
  readonly run: RunState;
  /** The live run, or null between runs. */
  driver: RunDriver | null;
  /** Serializes `editState` callbacks (per context, across runs and the outside). */
  readonly mutex: Mutex;
  /** Stream events restored from JSON, written first to the stream of the run that resumes. */
  backlog: Event[];
}
