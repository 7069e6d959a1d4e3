// The run driver: the thin async shell around `reduce`. It turns what happens (a step returned,
// threw, sent; a timer fired) into ticks, feeds each tick to the sink (the journal hook) and then
// to the reducer, and executes the commands that come back.
//
// Step calls never nest: a `start_attempt` command goes to a trampoline (see trampoline.ts),
// drained from a microtask or from our own promise callbacks, never from inside user code.

import { StopEvent, Event, eventClassOf, type EventClass } from "./event.js";
import { planCollect } from "./collect.js";
import { WorkflowTimeoutError } from "./errors.js";
import { EventStream } from "./event-stream.js";
import { WORKFLOW, type ContextInternals, type WorkflowInternals, type WorkflowLike } from "./internals.js";
import { CommandBuffer, reduceInto } from "./reduce.js";
import { StepInvoker } from "./invoke.js";
import { isThenable } from "./resources.js";
import { RESUMABLE } from "./run-state.js";
import type { RunEnv } from "./routing.js";
import { AttemptContext } from "./step-context.js";
import { ContextStore } from "./store.js";
import { Trampoline } from "./trampoline.js";
import type { Command, RunResumedTick, RunStartedTick, StartAttemptCommand, Tick } from "./ticks.js";
import { assertEvent } from "./validate.js";
import type { JournalStatus, RunOutcome } from "./journal.js";
import type { JournaledRun, JournalWriter } from "./journal-writer.js";
import { StreamLog } from "./stream-log.js";
import { encodeError, encodeEvent, encodeStatePatch, encodeTick } from "./tick-codec.js";
import { serializeContext } from "./serialize.js";

/** How a driver journals its run (absent: in memory only). */
export interface DriverJournalOptions {
  readonly writer: JournalWriter;
  /** Next entry seq (the run's `lastSeq + 1`). */
  readonly entrySeq: number;
  /** Start attempts only after the batch that delivered their event committed. */
  readonly commitBeforeSteps: boolean;
  /** The first tick given to `begin` is already journaled (by `createRun`). */
  readonly firstTickJournaled: boolean;
  /** What the run's stream carried before (a resumed run). */
  readonly streamed: readonly Event[];
  /** Ticks replayed since the last snapshot. */
  readonly sinceSnapshot: number;
  /** Called once the run settled (the live-run registry). */
  readonly onSettled?: () => void;
}

/** setTimeout's ceiling; longer delays mean "never" here. */
const MAX_TIMER_MS = 2_147_483_647;

/** Executes one run of a context. Created by `Workflow.run`; reached by users through the handler. */
export class RunDriver implements JournaledRun {
  /** False once the run ended: later sends, writes and results of this run are dropped. */
  live = true;
  /** The run's outcome: the handler's promise. Never rejects unobserved (see constructor). */
  readonly promise: Promise<unknown>;
  readonly stream: EventStream;
  /** The store as this run's steps see it: writes dropped once the run ended. */
  readonly store: ContextStore<Record<string, unknown>>;
  private resolveRun!: (value: unknown) => void;
  private rejectRun!: (error: unknown) => void;
  private readonly wi: WorkflowInternals;
  private readonly env: RunEnv;
  private readonly controller = new AbortController();
  private readonly signal = this.controller.signal;
  private readonly verbose: boolean;
  private readonly attempts = new Trampoline<StartAttemptCommand>((c) => this.startAttempt(c));
  private readonly invoker: StepInvoker;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private runTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly commands = new CommandBuffer();
  private submitting = false;
  /** The group-commit writer when the run is journaled. */
  private readonly jw: JournalWriter | null = null;
  private readonly commitBeforeSteps: boolean = false;
  private skipRecord = false;
  /** The journaled run's replayable stream (instead of `stream`). */
  readonly log: StreamLog | null = null;
  /** Where `streamEvents()` starts by default: what this handler's process has not seen. */
  private readonly streamBase: number = 0;
  private streamCount = 0;
  private outcome: RunOutcome | null = null;
  private onSettled: (() => void) | undefined;
  entrySeq = 1;
  sinceSnapshot = 0;

  constructor(
    workflow: WorkflowLike,
    private readonly ci: ContextInternals,
    /** The context object, for `handler.ctx`. */
    readonly context: unknown,
    readonly runId: string,
    journal: DriverJournalOptions | null = null,
  ) {
    if (journal !== null) {
      this.jw = journal.writer;
      this.entrySeq = journal.entrySeq;
      this.commitBeforeSteps = journal.commitBeforeSteps;
      this.skipRecord = journal.firstTickJournaled;
      this.log = new StreamLog(journal.streamed);
      this.streamBase = this.streamCount = journal.streamed.length;
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
    const timeout = this.wi.timeout;
    if (timeout !== null && timeout * 1000 <= MAX_TIMER_MS) {
      this.runTimer = setTimeout(() => {
        this.runTimer = null;
        this.settle({ type: "timed_out", timeout });
      }, timeout * 1000);
    }
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
    if (this.jw !== null) {
      if (this.skipRecord) this.skipRecord = false;
      // A state edit is journaled as a patch of the state it replaces (see tick-codec.ts).
      else this.jw.record(this, { kind: "tick", tick: tick.type === "state_set" ? encodeStatePatch(this.ci.run.state, tick.state) : encodeTick(tick) });
    }
    // The shared buffer, unless a command's execution re-enters submit (then a private one).
    const nested = this.submitting;
    const out = nested ? new CommandBuffer() : this.commands;
    this.submitting = true;
    try {
      reduceInto(this.ci.run, tick, this.env, out);
      for (let i = 0; i < out.length; i++) {
        const command = out.items[i]!;
        out.items[i] = undefined;
        this.exec(command);
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

  private exec(c: Command): void {
    switch (c.type) {
      case "start_attempt":
        if (!this.live) return;
        if (this.jw !== null && this.commitBeforeSteps) {
          this.jw.afterFlush(this, () => {
            if (this.live) this.attempts.push(c);
          });
        } else this.attempts.push(c);
        return;
      case "schedule_retry": {
        const step = this.env.steps[c.step]!;
        if (this.verbose) this.print(`${step.name} retry in ${c.delayMs}ms`);
        const handle = setTimeout(() => {
          this.timers.delete(handle);
          this.settle({ type: "retry_due", step: step.name, seq: c.seq });
        }, Math.min(c.delayMs, MAX_TIMER_MS));
        this.timers.add(handle);
        return;
      }
      case "write_stream":
        if (this.jw !== null) {
          const log = this.log!;
          const ev = c.event;
          this.jw.record(this, { kind: "stream", index: this.streamCount++, event: encodeEvent(ev) });
          this.jw.afterFlush(this, () => log.write(ev));
        } else this.stream.write(c.event);
        return;
      case "complete_run":
        this.finish(null, c.result);
        return;
      case "fail_run":
        this.finish(c.error, null);
        return;
    }
  }

  /** Applies a tick from a callback (promise, timer, cancel), then runs the attempts it started. */
  private settle(tick: Tick): void {
    if (!this.live) return;
    const outer = this.attempts.enter();
    try {
      this.submit(tick);
    } finally {
      this.attempts.leave(outer, true);
    }
  }

  private startAttempt(c: StartAttemptCommand): void {
    const step = this.env.steps[c.step]!;
    let signal = this.signal;
    let timer: ReturnType<typeof setTimeout> | null = null;
    if (step.timeout !== null && step.timeout * 1000 <= MAX_TIMER_MS) {
      const attemptController = new AbortController();
      signal = AbortSignal.any([signal, attemptController.signal]);
      const seconds = step.timeout;
      timer = setTimeout(() => {
        this.timers.delete(timer!);
        const message = `Step "${step.name}" attempt ${c.attempt} timed out after ${seconds}s`;
        const error = new WorkflowTimeoutError(message, seconds, [step.name]);
        attemptController.abort(error);
        this.settle({ type: "attempt_failed", step: step.name, seq: c.seq, attempt: c.attempt, error });
      }, seconds * 1000);
      this.timers.add(timer);
    }
    if (this.jw !== null) this.jw.record(this, { kind: "attempt", step: step.name, seq: c.seq, attempt: c.attempt });
    const actx = new AttemptContext(this, c.step, step.name, c.seq, c.event, c.attempt, signal);
    if (this.verbose) this.print(`${step.name} attempt ${c.attempt} on ${eventClassOf(c.event).typeName}`);
    let out: unknown;
    try {
      out = this.invoker.invoke(step, c.event, actx);
    } catch (error) {
      if (timer !== null) this.clearTimer(timer);
      this.submit({ type: "attempt_failed", step: step.name, seq: c.seq, attempt: c.attempt, error });
      return;
    }
    if (isThenable(out)) {
      out.then(
        (value) => {
          if (timer !== null) this.clearTimer(timer);
          this.settle(this.invoker.outcome(step, c, value));
        },
        (error: unknown) => {
          if (timer !== null) this.clearTimer(timer);
          this.settle({ type: "attempt_failed", step: step.name, seq: c.seq, attempt: c.attempt, error });
        },
      );
    } else {
      if (timer !== null) this.clearTimer(timer);
      this.submit(this.invoker.outcome(step, c, out));
    }
  }

  private clearTimer(handle: ReturnType<typeof setTimeout>): void {
    clearTimeout(handle);
    this.timers.delete(handle);
  }

  /** Ends the run once: timers cleared, signal aborted, stream ended, promise settled. */
  private finish(error: Error | null, result: Event | null): void {
    if (!this.live) return;
    this.live = false;
    if (this.runTimer !== null) clearTimeout(this.runTimer);
    this.runTimer = null;
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
    this.attempts.close();
    if (this.ci.driver === this) this.ci.driver = null;
    if (this.verbose) this.print(error === null ? "completed" : `ended: ${error.message}`);
    if (this.jw !== null) {
      // Journaled: record the outcome (and the stop event as the stream's last entry); settle once
      // that batch committed.
      if (error === null) this.jw.record(this, { kind: "stream", index: this.streamCount++, event: encodeEvent(result!) });
      this.outcome = error === null ? { result: encodeEvent(result!) } : { error: encodeError(error) };
      this.jw.touch(this);
      this.jw.afterFlush(this, () => this.settleNow(error, result));
    } else this.settleNow(error, result);
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
    if (this.log !== null) return this.log.consume(options?.from ?? this.streamBase);
    if (options?.from !== undefined && options.from !== 0) {
      throw new Error("streamEvents({ from }) needs a journal: without one the stream is live only");
    }
    return this.stream.consume();
  }

  /** JournaledRun: the status and outcome to record at flush. */
  journalState(): { status: JournalStatus; outcome: RunOutcome | null } {
    const outcome = this.outcome;
    if (outcome !== null) {
      const status: JournalStatus = "result" in outcome ? "completed" : this.ci.run.status === "cancelled" ? "cancelled" : "failed";
      return { status, outcome };
    }
    for (const st of this.ci.run.steps) if (st.active.length > 0 || st.queue.length > 0) return { status: "running", outcome: null };
    return { status: "waiting", outcome: null };
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
      if (this.runTimer !== null) clearTimeout(this.runTimer);
      for (const handle of this.timers) clearTimeout(handle);
      this.timers.clear();
      this.attempts.close();
      if (this.ci.driver === this) this.ci.driver = null;
      this.controller.abort(wrapped);
    }
    if (this.ci.run.status === "running") this.ci.run.status = "paused";
    this.outcome = null;
    this.settleNow(wrapped, null);
  }

  private print(message: string): void {
    console.log(`[${this.env.workflow} ${this.runId.slice(0, 8)}] ${message}`);
  }
}

