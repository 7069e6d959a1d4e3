// flowspec/runtime: what generated workflow code imports. No compiler code lives here.

export { z } from "zod"; // generated code takes zod from here, so an app depends on flowspec alone
export { Event, StartEvent, StopEvent, InputRequiredEvent, HumanResponseEvent, BUILT_IN_EVENTS } from "./event.js";
export type { EventClass, EventKind } from "./event.js";
export {
  WorkflowTimeoutError,
  WorkflowCancelledError,
  WorkflowRuntimeError,
  WorkflowValidationError,
  JournalMismatchError,
} from "./errors.js";
export type { ValidationIssue } from "./errors.js";
export type {
  WorkflowDefinition,
  StepDefinition,
  ResourceDefinition,
  RetryPolicy,
  InstancesOf,
} from "./definition.js";
export { Workflow } from "./workflow.js";
export type { WorkflowOptions, RunOptions, ResumeOptions, ResourceOverrides, WorkflowRuntime, ResumeAllResult, SkippedRun } from "./workflow.js";
export type { RunHandle, StepHook, StepCall } from "./run-recorder.js";
export { WorkflowHandler } from "./handler.js";
export { Context } from "./context.js";
export type { WorkflowOf } from "./context.js";
export { ContextStore } from "./store.js";
export type { Draft } from "./store.js";
export type { StepContext, SendEventOptions } from "./step-context.js";
export type { ContextJSON, SerializedEvent, SerializedEntry, SerializedDelivery, SerializedStep } from "./serialize.js";
export type { RunStatus, ContextStatus } from "./run-state.js";
export type { TickSink } from "./internals.js";
export type * from "./ticks.js";
// The reducer and its state, for the durable journal (replay) and for deterministic tests.
export { reduce } from "./reduce.js";
export { buildRunEnv } from "./routing.js";
export type { RunEnv, StepEnv } from "./routing.js";
export { createRunState } from "./run-state.js";
export type { RunState, StepState, Delivery, CollectEntry } from "./run-state.js";
// Durable runs: the journal interface, its records, and the tick codec (shared with flowspec/sqlite and flowspec/dbos).
export { MemoryJournal, RunExistsError, RunOwnedError, UNFINISHED, workflowShape, shapeFingerprint, diffShapes, parseEntry, LEASE_MS } from "./durable/index.js";
export type {
  Journal,
  JournalEntry,
  JournalStatus,
  EntryKind,
  StoredEntry,
  RunRecord,
  RunOutcome,
  RunBatch,
  RunFilter,
  NewRun,
  Snapshot,
  WorkflowShape,
  RunLease,
  RefusedRun,
} from "./durable/index.js";
export { encodeTick, decodeTick, encodeEvent, decodeEvent, encodeError, decodeError, encodeStatePatch, jsonEqual } from "./tick-codec.js";
export type { SerializedTick, SerializedError } from "./tick-codec.js";
