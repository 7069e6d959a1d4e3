// The run driver: the thin async shell around `reduce`. It turns what happens (a step returned,
// threw, sent; a timer fired) into ticks, feeds each tick to the sink (the journal hook) and then
// to the reducer, and executes the commands that come back.
//
// Step calls never nest: a `start_attempt` command goes to a trampoline (see trampoline.ts),
// drained from a microtask or from our own promise callbacks, never from inside user code.
// Split by concern: driver-commands.ts (executing commands, attempts), driver-timers.ts; this
// module orchestrates and settles the run. A backend that records runs (the journaled runner in
// durable/) watches the driver through one `RunRecorder` (run-recorder.ts), never by branching here.

import { StopEvent, Event, eventClassOf, type EventClass } from "./event.js";
import { planCollect } from "./collect.js";
import { EventStream } from "./event-stream.js";
import { WORKFLOW, type ContextInternals, type WorkflowInternals, type WorkflowLike } from "./internals.js";
import { CommandBuffer, reduceInto } from "./reduce.js";
import { StepInvoker } from "./invoke.js";
import { contextStatus, endedStatus, RESUMABLE, type ContextStatus } from "./run-state.js";
import { classInfo, type RunEnv } from "./routing.js";
import type { AttemptContext } from "./step-context.js";
import { asError } from "./thrown.js";
import { ContextStore } from "./store.js";
import { Trampoline } from "./trampoline.js";
import type { RunResumedTick, RunStartedTick, StartAttemptCommand, Tick } from "./ticks.js";
import { assertEvent, checkEvent } from "./validate.js";
import { emitError, failedTick, finishedError, refusalOf } from "./sends.js";
import { snapshotText } from "./serialize.js";
import { execCommand, startAttempt } from "./driver-commands.js";
import { RunTimers } from "./driver-timers.js";
import { UnjournalableError } from "./thrown.js";
import type { LocalRunOptions, RunHandle, RunRecorder } from "./run-recorder.js";
import type { RunState } from "./run-state.js";
import type { Context } from "./context.js";

/**
 * Executes one run of a context in this process: the run handle of the in-memory and journaled
 * runners. Created by a `LocalRunner`; reached by users through the handler.
 */
export class RunDriver implements RunHandle {
  /** False once the run ended: later sends, writes and results of this run are dropped. */
  live = true;
  /** The run's outcome: the handler's promise. Never rejects unobserved (see constructor). */
  readonly result: Promise<unknown>;
  /** The live stream (read once); a recorded run publishes through its recorder's stream instead. */
  readonly stream: EventStream;
  // Internal to the driver-*.ts modules (not private so driver-commands.ts can reach them).
  /** @internal */ readonly env: RunEnv;
  /** @internal */ readonly verbose: boolean;
  /** @internal */ readonly attempts = new Trampoline<StartAttemptCommand>((c) => startAttempt(this, c));
  /** @internal */ readonly invoker: StepInvoker;
  /** @internal */ readonly timers = new RunTimers(this);
  /** @internal What records this run (the journal), or null in memory. */
  readonly recorder: RunRecorder | null = null;
  /** Made on first use: most runs never read a signal, and aborting one builds an exception. */
  private controller: AbortController | null = null;
  /** True once the run ended (its signal, when made later, is aborted at once). */
  private aborted: { reason: Error | undefined } | null = null;
  private resolveRun!: (value: unknown) => void;
  private rejectRun!: (error: unknown) => void;
  private readonly wi: WorkflowInternals;
  private readonly commands = new CommandBuffer();
  private submitting = false;
  /** Attempts with end hooks (a pending state edit holding the lock). */
  private hooked: Set<AttemptContext> | null = null;
  /** When the run started (its deadline counts from there, across resumes); null: now. */
  private readonly startedAt: number | null;

  constructor(
    workflow: WorkflowLike,
    private readonly ci: ContextInternals,
    /** The context object, for `handler.ctx`. */
    readonly context: unknown,
    readonly runId: string,
    options: LocalRunOptions = {},
  ) {
    this.wi = workflow[WORKFLOW];
    this.env = this.wi.env;
    this.verbose = this.wi.verbose;
    this.stream = new EventStream();
    this.invoker = new StepInvoker(workflow, this.wi);
    this.startedAt = options.startedAt ?? null;
    this.result = new Promise((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
    });
    // The handler is awaited, or only streamed, or neither: a failure must never surface as an
    // unhandled rejection. Callers still see it through `then`.
    this.result.catch(() => undefined);
    if (options.recorder !== undefined) this.recorder = options.recorder(this);
  }

  /** @internal The run's abort signal: aborted when the run ends. */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.aborted !== null) this.controller.abort(this.aborted.reason);
    }
    return this.controller.signal;
  }

  private abort(reason: Error | undefined): void {
    this.aborted = { reason };
    this.controller?.abort(reason);
  }

  /** RunHandle: the run's context. */
  get ctx(): Context<any> {
    return this.context as Context<any>;
  }

  /** RunHandle: true once the run ended. */
  get done(): boolean {
    return !this.live;
  }

  /** RunHandle: the run's typed state (its context's). */
  async state(): Promise<any> {
    return structuredClone(this.ci.run.state);
  }

  /** RunHandle: the run's store as a plain object (a copy). */
  async store(): Promise<Record<string, unknown>> {
    return structuredClone(Object.fromEntries(this.ci.run.store.entries()));
  }

  /** The run's state, as the reducer holds it (for recorders: read, never written). */
  get runState(): RunState {
    return this.ci.run;
  }

  /** Starts the run: arms the timeout, applies the first tick; steps start in a microtask. */
  begin(tick: RunStartedTick | RunResumedTick): void {
    // The deadline is absolute (`startedAt`): a resumed run gets what is left of its timeout, and
    // one resumed past it times out at once, before any step starts.
    const timeout = this.wi.timeout;
    const elapsed = this.startedAt === null ? 0 : Date.now() - this.startedAt;
    const spent = timeout !== null && elapsed >= timeout * 1000;
    if (!spent) this.timers.armRun(timeout, elapsed);
    if (tick.type === "run_resumed") for (const ev of this.ci.backlog) this.stream.write(ev);
    this.ci.backlog = [];
    const outer = this.attempts.enter();
    try {
      this.submit(tick);
      if (spent) this.submit({ type: "timed_out", timeout });
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
    if (this.recorder !== null) this.recorder.recordTick(tick, this.ci.run.state);
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

  /** `sendEvent` from a step attempt: fenced, checked against the step's `emits`. */
  sendFromStep(actx: AttemptContext, ev: Event, target: string | null): void {
    this.fromStep(actx, ev, "sendEvent", { type: "event_sent", event: ev, target, from: actx.stepName });
  }

  /** `sendEvent` from outside the run (`handler.ctx.sendEvent`): refused at once unless this run accepts it. */
  sendFromOutside(ev: Event, target: string | null): void {
    const cls = classInfo(this.env, eventClassOf(ev));
    const error = checkEvent(ev, cls) ?? (this.live ? null : finishedError(this.env.workflow, this.runId)) ?? refusalOf(this.env, cls, target);
    if (error !== null) throw error;
    this.submit({ type: "event_sent", event: ev, target, from: null });
  }

  /** `writeEventToStream` from a step attempt: fenced, like its sends. */
  writeFromStep(actx: AttemptContext, ev: Event): void {
    this.fromStep(actx, ev, "writeEventToStream", { type: "stream_written", event: ev });
  }

  /**
   * A step attempt's send (checked against its `emits`) or stream write: dropped once the attempt
   * ended; an invalid event fails the run; an `input_required` event waits for the attempt's outcome.
   */
  private fromStep(actx: AttemptContext, ev: Event, where: "sendEvent" | "writeEventToStream", tick: Tick): void {
    if (!actx.live) return;
    assertEvent(ev, where);
    const cls = classInfo(this.env, eventClassOf(ev));
    const error = (where === "sendEvent" ? emitError(actx.step, cls, "sent") : null) ?? checkEvent(ev, cls);
    if (error !== null) return this.submit({ type: "run_failed", error });
    if (cls.kind === "input_required") actx.hold(tick);
    else this.submitFromAttempt(actx, tick);
  }

  /** `writeEventToStream` from outside the run. */
  writeToStream(ev: Event): void {
    if (!this.live) return;
    assertEvent(ev, "writeEventToStream");
    const error = this.invoker.check(ev);
    this.submit(error === null ? { type: "stream_written", event: ev } : { type: "run_failed", error });
  }

  /** `collectEvents` of one attempt. */
  collect(actx: AttemptContext, ev: Event, types: readonly EventClass[]): Event[] | null {
    if (!actx.live) return null;
    assertEvent(ev, "collectEvents");
    const st = this.ci.run.steps[actx.step.index]!;
    const seq = ev === actx.event ? actx.seq : this.ci.run.nextSeq;
    const plan = planCollect(st, ev, seq, types);
    if (plan.add !== null || plan.take.length > 0) {
      this.submitFromAttempt(actx, { type: "collected", step: actx.stepName, by: actx.seq, add: plan.add, take: plan.take });
    }
    return plan.result;
  }

  /** The store a step attempt sees: its writes go through the attempt. */
  storeFor(actx: AttemptContext): ContextStore<Record<string, unknown>> {
    return new ContextStore(this.ci, actx);
  }

  /**
   * Applies a tick an attempt made. A value the journal cannot encode fails the attempt (naming
   * the step and where the value is) and throws that error to the step's code.
   */
  submitFromAttempt(actx: AttemptContext, tick: Tick): void {
    const unjournalable = this.trySubmit(tick);
    if (unjournalable === null) return;
    const stepError = unjournalable.forStep(actx.stepName);
    this.endAttempt(actx, failedTick(actx, stepError));
    throw stepError;
  }

  /**
   * Ends an attempt with its outcome: fences it, publishes what it held (its `input_required`
   * events), then applies the outcome; all in one turn, so one journal batch. An outcome the
   * journal cannot encode becomes the attempt's failure.
   */
  endAttempt(actx: AttemptContext, outcome: Tick): void {
    const held = actx.end();
    if (held === null || !this.live) return;
    let unjournalable: UnjournalableError | null = null;
    for (let i = 0; i < held.length && unjournalable === null; i++) unjournalable = this.trySubmit(held[i]!);
    if (unjournalable === null) unjournalable = this.trySubmit(outcome);
    if (unjournalable !== null) this.submit(failedTick(actx, unjournalable.forStep(actx.stepName)));
  }

  /** `submit`, returning (not throwing) the error of a tick the journal cannot encode; nothing of that tick was applied. */
  private trySubmit(tick: Tick): UnjournalableError | null {
    try {
      this.submit(tick);
      return null;
    } catch (error) {
      if (error instanceof UnjournalableError) return error;
      throw error;
    }
  }

  /** `endAttempt` from a callback (the step's promise, its timeout), then runs the attempts it started. */
  settleAttempt(actx: AttemptContext, outcome: Tick): void {
    const outer = this.attempts.enter();
    try {
      this.endAttempt(actx, outcome);
    } catch (error) {
      this.crash(error);
    } finally {
      this.attempts.leave(outer, true);
    }
  }

  /** Remembers an attempt with end hooks, so they run when the run ends first. */
  watchEnd(actx: AttemptContext): void {
    (this.hooked ??= new Set()).add(actx);
  }

  /** `handler.cancel()`. */
  cancel(): void {
    this.settle({ type: "cancelled" });
  }

  /** @internal Applies a tick from a callback (timer, cancel), then runs the attempts it started. */
  settle(tick: Tick): void {
    if (!this.live) return;
    const outer = this.attempts.enter();
    try {
      this.submit(tick);
    } catch (error) {
      this.crash(error);
    } finally {
      this.attempts.leave(outer, true);
    }
  }

  /** Something failed that no tick covers (a bug, or a journal that throws): end the run with it rather than crash the process. */
  crash(error: unknown): void {
    if (this.ci.run.status === "running") this.ci.run.status = "failed";
    this.finish(asError(error), null);
  }

  /** @internal Ends the run once: timers cleared, signal aborted, stream ended, promise settled. */
  finish(error: Error | null, result: Event | null): void {
    if (!this.live) return;
    this.live = false;
    this.release();
    if (this.verbose) this.print(error === null ? "completed" : `ended: ${error.message}`);
    // Recorded: settle once the outcome is (the journal: once that batch committed).
    if (this.recorder !== null) this.recorder.recordOutcome(error, result, () => this.settleNow(error, result));
    else this.settleNow(error, result);
    this.abort(error ?? undefined);
  }

  /** Frees what the run holds: timers, queued attempts, the context, and the lock held for an unsettled state edit. */
  private release(): void {
    this.timers.clearAll();
    this.attempts.close();
    if (this.ci.driver === this) this.ci.driver = null;
    const hooked = this.hooked;
    this.hooked = null;
    if (hooked !== null) for (const actx of hooked) actx.end();
  }

  /** Settles the handler and ends the stream (the recorder's, when recorded). */
  private settleNow(error: Error | null, result: Event | null): void {
    const recorder = this.recorder;
    recorder?.settled();
    const stream = recorder === null ? this.stream : recorder.stream;
    if (error !== null) {
      stream.end(error);
      this.rejectRun(error);
    } else {
      stream.write(result!);
      stream.end();
      this.resolveRun(result!.constructor === StopEvent ? (result as StopEvent).result : result);
    }
  }

  /** The handler's stream: the recorder's (replayable) when recorded, else the read-once live stream. */
  streamEvents(options?: { readonly from?: number }): AsyncIterableIterator<Event> {
    if (this.recorder !== null) return this.recorder.streamEvents(options);
    if (options?.from !== undefined && options.from !== 0) {
      throw new Error("streamEvents({ from }) needs a journal: without one the stream is live only");
    }
    return this.stream.consume();
  }

  /** The run's status as the handler reports it. */
  get status(): ContextStatus {
    return this.live ? contextStatus(this.ci.run) : endedStatus(this.ci.run);
  }

  /** The context as JSON text, without the stream (for recorders' snapshots). */
  snapshotJSON(): string {
    return snapshotText(this.ci);
  }

  /**
   * Stops the run now with `error`, from its recorder (the journal refused a batch): nothing more
   * of it runs; `cancelled` marks it cancelled from outside, else it stays resumable (paused).
   */
  halt(error: Error, cancelled: boolean): void {
    if (this.live) {
      this.live = false;
      this.release();
      this.abort(error);
    }
    if (this.ci.run.status === "running") this.ci.run.status = cancelled ? "cancelled" : "paused";
    this.settleNow(error, null);
  }

  /** @internal */
  print(message: string): void {
    console.log(`[${this.env.workflow} ${this.runId.slice(0, 8)}] ${message}`);
  }
}
