// The in-memory runner: executes a workflow's runs in this process. It is also what the other
// runners build on: the journaled runner starts its runs through `start` with a recorder, and
// `flowspec/dbos` runs a worker's live run through `run` with an absolute start time.

import { randomUUID } from "node:crypto";
import { Context } from "./context.js";
import { RunDriver } from "./driver.js";
import { Event } from "./event.js";
import { startEventOf } from "./event-codec.js";
import { WorkflowHandler } from "./handler.js";
import { CONTEXT, WORKFLOW, type WorkflowLike } from "./internals.js";
import type { LocalRunOptions, ResumeAllResult, RunHandle, RunnerRunOptions, WorkflowRunner } from "./run-recorder.js";
import { RESUMABLE } from "./run-state.js";
import type { RunResumedTick, RunStartedTick } from "./ticks.js";
import { asError } from "./thrown.js";

/** Which run `run(input, options)` asks for: its context, its id, and whether it resumes the context. */
export interface RunRequest {
  readonly ctx: Context<any>;
  readonly runId: string;
  /** `run(undefined, { ctx })` on a paused, cancelled or timed-out context. */
  readonly resume: boolean;
  /** The context is the caller's (`{ ctx }`), not a fresh one. */
  readonly ownCtx: boolean;
}

/** Executes a workflow's runs in this process, in memory. */
export class LocalRunner implements WorkflowRunner {
  constructor(private readonly workflow: WorkflowLike) {}

  /**
   * The context and id `run(input, options)` uses. Throws when the context belongs to another
   * workflow or its run is still going.
   */
  request(input: unknown, options: RunnerRunOptions): RunRequest {
    const wi = this.workflow[WORKFLOW];
    const ctx = options.ctx ?? new Context<any>(this.workflow as never);
    const ci = ctx[CONTEXT];
    if (ci.workflow[WORKFLOW].definition !== wi.definition) {
      throw new TypeError(`This context belongs to workflow ${ci.env.workflow}, not ${wi.env.workflow}`);
    }
    if (ci.driver !== null) {
      throw new Error(`${wi.env.workflow}: this context's run is still going; a second run on it is refused`);
    }
    const resume = input === undefined && RESUMABLE.has(ci.run.status);
    const runId = options.runId ?? (resume ? ci.run.runId : null) ?? randomUUID();
    return { ctx, runId, resume, ownCtx: options.ctx !== undefined };
  }

  /** Starts (or, on a paused context, resumes) a run; `local` sets how it runs (a recorder, a start time). */
  run(input: unknown, options: RunnerRunOptions, local: LocalRunOptions = {}): WorkflowHandler<any, any, any> {
    const { ctx, runId, resume } = this.request(input, options);
    if (resume) return this.start(ctx, runId, { type: "run_resumed", runId }, local);
    const start = startEventOf(this.workflow[WORKFLOW].definition, input);
    if (!(start instanceof Event)) return this.failed(ctx, runId, start);
    return this.start(ctx, runId, { type: "run_started", runId, start }, local);
  }

  /** Starts a run of `ctx` whose first tick is `first`; returns its driver's handler. */
  start(ctx: Context<any>, runId: string, first: RunStartedTick | RunResumedTick, local: LocalRunOptions = {}): WorkflowHandler<any, any, any> {
    const driver = this.driver(ctx, runId, local);
    driver.begin(first);
    return new WorkflowHandler(driver);
  }

  /** A run of `ctx` that ends with `error` before it starts (an invalid start event, a journal refusal). */
  failed(ctx: Context<any>, runId: string, error: unknown): WorkflowHandler<any, any, any> {
    const driver = this.driver(ctx, runId, {});
    driver.failEarly(asError(error));
    return new WorkflowHandler(driver);
  }

  /** A handler over any run handle (a runner's own, such as a finished run replayed from a journal). */
  handler(run: RunHandle): WorkflowHandler<any, any, any> {
    return new WorkflowHandler(run);
  }

  resume(): never {
    throw new Error(`${this.workflow[WORKFLOW].env.workflow}: resume() needs a journal (new ${this.workflow[WORKFLOW].env.workflow}({ journal }))`);
  }

  resumeAll(): Promise<ResumeAllResult<WorkflowHandler<any, any, any>>> {
    return Promise.reject(new Error(`${this.workflow[WORKFLOW].env.workflow}: resumeAll() needs a journal`));
  }

  private driver(ctx: Context<any>, runId: string, local: LocalRunOptions): RunDriver {
    const ci = ctx[CONTEXT];
    const driver = new RunDriver(this.workflow, ci, ctx, runId, local);
    ci.driver = driver;
    return driver;
  }
}
