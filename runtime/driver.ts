// The run driver: the thin async shell around `reduce`. It turns what happens (a step returned,
// threw, sent; a timer fired) into ticks, feeds each tick to the sink (the journal hook) and then
// to the reducer, and executes the commands that come back.
//
// Step calls never nest: a `start_attempt` command goes to a trampoline (see trampoline.ts),
// drained from a microtask or from our own promise callbacks, never from inside user code.
// Split by concern: driver-commands.ts (executing commands, attempts), driver-timers.ts,
// driver-journal.ts (recording a journaled run); this module orchestrates and settles the run.

import { StopEvent, Event, type EventClass } from "./event.js";
import { planCollect } from "./collect.js";
import { EventStream } from "./event-stream.js";
import { WORKFLOW, type ContextInternals, type WorkflowInternals, type WorkflowLike } from "./internals.js";
import { CommandBuffer, reduceInto } from "./reduce.js";
import { StepInvoker } from "./invoke.js";
import { RESUMABLE } from "./run-state.js";
import type { RunEnv } from "./routing.js";
import type { AttemptContext } from "./step-context.js";
import { ContextStore } from "./store.js";
import { Trampoline } from "./trampoline.js";
import type { RunResumedTick, RunStartedTick, StartAttemptCommand, Tick } from "./ticks.js";
import { assertEvent } from "./validate.js";
import type { JournalStatus, RunOutcome } from "./journal.js";
import type { JournaledRun } from "./journal-writer.js";
import type { StreamLog } from "./stream-log.js";
import { serializeContext } from "./serialize.js";
import { execCommand, startAttempt } from "./driver-commands.js";
import { journalStatus, RunJournal, type DriverJournalOptions } from "./driver-journal.js";
import { RunTimers } from "./driver-timers.js";

export type { DriverJournalOptions } from "./driver-journal.js";

/** Executes one run of a context. Created by `Workflow.run`; reached by users through the handler. */
export class RunDriver implements JournaledRun {
  /** False once the run ended: later sends, writes and results of this run are dropped. */
  live = true;
  /** The run's outcome: the handler's promise. Never rejects unobserved (see constructor). */
  readonly promise: Promise<unknown>;
  readonly stream: EventStream;
  /** The store as this run's steps see it: writes dropped once the run ended. */
  readonly store: ContextStore<Record<string, unknown>>;
  /** The journaled run's replayable stream (instead of `stream`). */
  readonly log: StreamLog | null = null;
  entrySeq = 1;
  sinceSnapshot = 0;
  // Internal to the driver-*.ts modules (not private so driver-commands.ts can reach them).
  /** @internal */ readonly env: RunEnv;
  /** @internal */ readonly verbose: boolean;
  /** @internal */ readonly attempts = new Trampoline<StartAttemptCommand>((c) => startAttempt(this, c));
  /** @internal */ readonly invoker: StepInvoker;
  /** @internal */ readonly timers = new RunTimers(this);
  /** @internal The recording side when the run is journaled. */
  readonly journal: RunJournal | null = null;
  private readonly controller = new AbortController();
  /** @internal */ readonly signal: AbortSignal = this.controller.signal;
  private resolveRun!: (value: unknown) => void;
  private rejectRun!: (error: unknown) => void;
  private readonly wi: WorkflowInternals;
  private readonly commands = new CommandBuffer();
  private submitting = false;
  private onSettled: (() => void) | undefined;

  constructor(
    workflow: WorkflowLike,
    private readonly ci: ContextInternals,
    /** The context object, for `handler.ctx`. */
    readonly context: unknown,
    readonly runId: string,
    journal: DriverJournalOptions | null = null,
  ) {
    if (journal !== null) {
      this.journal = new RunJournal(this, journal);
      this.entrySeq = journal.entrySeq;
      this.log = this.journal.log;
      this.sinceSnapshot = journal.sinceSnapshot;
      this.onSettled = journal.onSettled;
    }
    this.wi = workflow[WORKFLOW];
    this.env = this.wi.env;
    this.verbose = this.wi.verbose;
    this.stream = new EventStream();
    this.store = new ContextStore(ci, this);
    this.invoker = new StepInvoker(workflow, this.wi);
    this.promise = new Promise((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
    });
    // The handler is awaited, or only streamed, or neither: a failure must never surface as an
    // unhandled rejection. Callers still see it through `then`.
    this.promise.catch(() => undefined);
  }

  /** Starts the run: arms the timeout, applies the first tick; steps start in a microtask. */
  begin(tick: RunStartedTick | RunResumedTick): void {
    this.timers.armRun(this.wi.timeout);
    if (tick.type === "run_resumed") for (const ev of this.ci.backlog) this.stream.write(ev);
    this.ci.backlog = [];
    const outer = this.attempts.enter();
    try {
      this.submit(tick);
    } finally {
      this.attempts.leave(outer, false); // steps start after run() returned
    }
  }

  /** Ends the run before it started (an invalid start payload). A resumable context stays resumable. */
  failEarly(error: Error): void {
    if (!RESUMABLE.has(this.ci.run.status)) this.ci.run.status = "failed";
    this.finish(error, null);
  }

  /** Applies a tick: sink first (journal before effects), then the reducer, then its commands. */
  submit(tick: Tick): void {
    if (!this.live) return;
    this.wi.onTick?.(tick, { workflow: this.env.workflow, runId: this.runId });
    if (this.journal !== null) this.journal.recordTick(tick, this.ci.run.state);
    // The shared buffer, unless a command's execution re-enters submit (then a private one).
    const nested = this.submitting;
    const out = nested ? new CommandBuffer() : this.commands;
    this.submitting = true;
    try {
      reduceInto(this.ci.run, tick, this.env, out);
      for (let i = 0; i < out.length; i++) {
        const command = out.items[i]!;
        out.items[i] = undefined;
        execCommand(this, command);
      }
    } catch (error) {
      this.ci.run.status = "failed";
      this.finish(error instanceof Error ? error : new Error(String(error)), null);
    } finally {
      out.length = 0;
      this.submitting = nested;
    }
  }

  /** `sendEvent` from a step (`from` its name) or from outside (`from` null). */
  send(ev: Event, target: string | null, from: string | null): void {
    if (!this.live) return;
    assertEvent(ev, "sendEvent");
    const error = this.invoker.check(ev);
    this.submit(error === null ? { type: "event_sent", event: ev, target, from } : { type: "run_failed", error });
  }

  /** `writeEventToStream`. */
  writeToStream(ev: Event): void {
    if (!this.live) return;
    assertEvent(ev, "writeEventToStream");
    const error = this.invoker.check(ev);
    this.submit(error === null ? { type: "stream_written", event: ev } : { type: "run_failed", error });
  }

  /** `collectEvents` of one attempt. */
  collect(actx: AttemptContext, ev: Event, types: readonly EventClass[]): Event[] | null {
    if (!this.live) return null;
    assertEvent(ev, "collectEvents");
    const st = this.ci.run.steps[actx.stepIndex]!;
    const seq = ev === actx.event ? actx.seq : this.ci.run.nextSeq;
    const plan = planCollect(st, ev, seq, types);
    if (plan.add !== null || plan.take.length > 0) {
      this.submit({ type: "collected", step: actx.stepName, by: actx.seq, add: plan.add, take: plan.take });
    }
    return plan.result;
  }

  /** `handler.cancel()`. */
  cancel(): void {
    this.settle({ type: "cancelled" });
  }

  /** @internal Applies a tick from a callback (promise, timer, cancel), then runs the attempts it started. */
  settle(tick: Tick): void {
    if (!this.live) return;
    const outer = this.attempts.enter();
    try {
      this.submit(tick);
    } finally {
      this.attempts.leave(outer, true);
    }
  }

  /** @internal Ends the run once: timers cleared, signal aborted, stream ended, promise settled. */
  finish(error: Error | null, result: Event | null): void {
    if (!this.live) return;
    this.live = false;
    this.timers.clearAll();
    this.attempts.close();
    if (this.ci.driver === this) this.ci.driver = null;
    if (this.verbose) this.print(error === null ? "completed" : `ended: ${error.message}`);
    // Journaled: record the outcome; settle once that batch committed.
    if (this.journal !== null) this.journal.recordOutcome(error, result, () => this.settleNow(error, result));
    else this.settleNow(error, result);
    this.controller.abort(error ?? undefined);
  }

  /** Settles the handler and ends the stream. */
  private settleNow(error: Error | null, result: Event | null): void {
    const onSettled = this.onSettled;
    this.onSettled = undefined;
    onSettled?.();
    if (error !== null) {
      if (this.log !== null) this.log.end(error);
      else this.stream.end(error);
      this.rejectRun(error);
    } else {
      if (this.log !== null) this.log.write(result!);
      else this.stream.write(result!);
      if (this.log !== null) this.log.end();
      else this.stream.end();
      this.resolveRun(result!.constructor === StopEvent ? (result as StopEvent).result : result);
    }
  }

  /** A resumed run that had already finished: settle as it did, running nothing. */
  settleReplayed(error: Error | null, result: Event | null): void {
    this.live = false;
    this.attempts.close();
    if (this.log !== null && error === null) {
      // The journal's stream already ends with the stop event.
      this.log.end();
      this.resolveRun(result!.constructor === StopEvent ? (result as StopEvent).result : result);
    } else this.settleNow(error, result);
    this.controller.abort(error ?? undefined);
  }

  /** The handler's stream: a replayable log when journaled (`from` default: this process's start), else the single-use stream. */
  streamEvents(options?: { readonly from?: number }): AsyncIterableIterator<Event> {
    if (this.journal !== null) return this.journal.log.consume(options?.from ?? this.journal.streamBase);
    if (options?.from !== undefined && options.from !== 0) {
      throw new Error("streamEvents({ from }) needs a journal: without one the stream is live only");
    }
    return this.stream.consume();
  }

  /** JournaledRun: the status and outcome to record at flush. */
  journalState(): { status: JournalStatus; outcome: RunOutcome | null } {
    return journalStatus(this.ci.run, this.journal === null ? null : this.journal.outcome);
  }

  /** JournaledRun: the context as JSON text, without the (journaled) stream. */
  snapshotJSON(): string {
    return JSON.stringify({ ...serializeContext(this.ci), stream: [] });
  }

  /** JournaledRun: the journal refused a batch; end the run with its error, now. */
  journalFailed(error: Error): void {
    const wrapped = new Error(`Journal write failed; run "${this.runId}" stopped (its journaled part stays resumable): ${error.message}`, { cause: error });
    if (this.live) {
      this.live = false;
      this.timers.clearAll();
      this.attempts.close();
      if (this.ci.driver === this) this.ci.driver = null;
      this.controller.abort(wrapped);
    }
    if (this.ci.run.status === "running") this.ci.run.status = "paused";
    if (this.journal !== null) this.journal.outcome = null;
    this.settleNow(wrapped, null);
  }

  /** @internal */
  print(message: string): void {
    console.log(`[${this.env.workflow} ${this.runId.slice(0, 8)}] ${message}`);
  }
}
