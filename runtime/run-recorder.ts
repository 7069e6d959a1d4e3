// The seams of the runtime: what a backend implements to run a workflow its own way (a
// `WorkflowRunner` returning handlers over `RunHandle`s), and what it plugs into a run that this
// process executes (a `RunRecorder` watching the driver, a `StepHook` around step calls).
// docs/backends.md describes them; `flowspec/runtime/backend` exports them.

import type { Context } from "./context.js";
import type { RunDriver } from "./driver.js";
import type { Event } from "./event.js";
import type { WorkflowHandler } from "./handler.js";
import type { TickSink } from "./internals.js";
import type { LocalRunner } from "./local-runner.js";
import type { ContextStatus } from "./run-state.js";
import type { StepContext } from "./step-context.js";
import type { Tick } from "./ticks.js";
import type { Workflow } from "./workflow.js";

/**
 * One run, wherever it runs: what a `WorkflowHandler` forwards to. The in-memory and journaled
 * runners' handle is the run's driver; `flowspec/dbos`'s reads and messages Postgres.
 */
export interface RunHandle<Result = unknown, State = any, Streamed extends Event = Event> {
  readonly runId: string;
  /** The run's context (`handler.ctx`): `sendEvent` reaches the run wherever it is. */
  readonly ctx: Context<State>;
  /** Where the run stands (see `ContextStatus`). */
  readonly status: ContextStatus;
  /** True once the run ended. */
  readonly done: boolean;
  /** Settles with the run's result or error. Must never reject unobserved (attach a no-op catch). */
  readonly result: Promise<Result>;
  /** The run's typed state, read where the run is. Never a default. */
  state(): Promise<State>;
  /** The run's store as a plain object (a copy), read where the run is. */
  store(): Promise<Record<string, unknown>>;
  /** The run's event stream (see `WorkflowHandler.streamEvents`). */
  streamEvents(options?: { readonly from?: number }): AsyncIterableIterator<Streamed>;
  /** Cancels the run. */
  cancel(): void;
}

/** Options of `run`, as a runner receives them. */
export interface RunnerRunOptions {
  readonly ctx?: Context<any>;
  readonly runId?: string;
}

/**
 * How a workflow's runs are executed: `Workflow.run`, `resume` and `resumeAll` delegate to it.
 * Three implementations: in memory (`LocalRunner`), journaled (`runtime/durable/`) and DBOS.
 */
export interface WorkflowRunner {
  /** Runs live outside this process, and `resume(runId)` reaches any of them from any process (DBOS). */
  readonly remote?: boolean;
  run(input: unknown, options: RunnerRunOptions): WorkflowHandler<any, any, any>;
  resume(runId: string): WorkflowHandler<any, any, any>;
  resumeAll(): Promise<ResumeAllResult<WorkflowHandler<any, any, any>>>;
  /**
   * A handler on a run wherever it is, changing nothing: no resume of a cancelled run, no
   * recovery. For processes that only watch, answer and cancel runs (`flowspec/server` on DBOS).
   * Absent when runs cannot be reached from another process. Its promise rejects when the run is unknown.
   */
  attach?(runId: string): WorkflowHandler<any, any, any>;
}

/** A run `resumeAll()` could not resume, and why. */
export interface SkippedRun {
  readonly runId: string;
  readonly error: Error;
}

/** What `resumeAll()` resolves with: the resumed runs' handlers, plus the runs it skipped. */
export type ResumeAllResult<H> = H[] & { readonly skipped: readonly SkippedRun[] };

/**
 * Watches a run this process executes, to record it (the journal). The driver calls it at these
 * points and nowhere else; a recorder that throws `UnjournalableError` from `recordTick` refuses
 * that tick (nothing of it is applied).
 */
export interface RunRecorder {
  /** A tick, before the reducer applies it (`state`: the typed state it may replace). */
  recordTick(tick: Tick, state: Record<string, unknown>): void;
  /** An attempt is due: call `start` when it may begin (at once, or once its triggering event is durable). */
  attemptDue(start: () => void): void;
  /** An attempt begins (timelines). */
  attemptStarted(step: string, seq: number, attempt: number): void;
  /** A stream write; the recorder publishes it to `stream` once it may be seen. */
  writeStream(ev: Event): void;
  /** The run ended: record how, and call `settle` once that is recorded. */
  recordOutcome(error: Error | null, result: Event | null, settle: () => void): void;
  /** Where the driver writes the stop event and ends the stream, when it settles. */
  readonly stream: { write(ev: Event): void; end(error?: Error): void };
  /** `handler.streamEvents(options)` of the run. */
  streamEvents(options?: { readonly from?: number }): AsyncIterableIterator<Event>;
  /** The run settled (called once, just before its handler settles). */
  settled(): void;
}

/** How a `LocalRunner` executes one run. */
export interface LocalRunOptions {
  /** Builds the run's recorder (given the driver: its `runState`, `snapshotJSON()`, `halt()`). */
  readonly recorder?: (run: RunDriver) => RunRecorder;
  /** When the run started (ms since the epoch): its timeout counts from there, across resumes and recoveries. Default: now. */
  readonly startedAt?: number;
}

/** One step call, as a `StepHook` sees it. */
export interface StepCall {
  readonly workflow: string;
  /** The step's name in the spec. */
  readonly step: string;
  /** The event the attempt handles. */
  readonly event: Event;
  /** The attempt's number, from 1 (retries count up). */
  readonly attempt: number;
  /** The attempt's context: its `runId`, and `signal`, aborted when the attempt or run ends. */
  readonly ctx: StepContext<any, any>;
}

/**
 * Runs around every step body of a workflow (`flowspec/dbos`: wait for the checkpoint, hold a
 * cluster-wide slot). It must call `body` at most once and return (or resolve with) its result;
 * time it spends before `body` counts towards the step's timeout.
 */
export type StepHook = (call: StepCall, body: () => unknown) => unknown;

/** What a `WorkflowRuntime` makes of a workflow it takes over. */
export interface RuntimeBinding {
  /** Executes the workflow's runs. */
  readonly runner: WorkflowRunner;
  /** Sees every tick of every run this process executes, after `onTick`. */
  readonly onTick?: TickSink;
  /** Runs around every step body this process executes. */
  readonly aroundStep?: StepHook;
}

/**
 * A runtime that takes over a workflow's runs (`flowspec/dbos`'s `DbosRuntime`). `attach` is
 * called once, from the workflow's constructor, with the workflow's in-memory runner (to execute
 * runs in this process, as the DBOS recorder does).
 */
export interface WorkflowRuntime {
  attach(workflow: Workflow<any, any, any, any, any>, local: LocalRunner): RuntimeBinding;
}
