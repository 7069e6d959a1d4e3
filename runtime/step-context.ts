// The context a step receives. Its type narrows `sendEvent` to the step's declared emits; its
// implementation is one small object per attempt that forwards to the run's driver.

import type { RunDriver } from "./driver.js";
import type { Event, EventClass } from "./event.js";
import type { InstancesOf } from "./definition.js";
import type { StepEnv } from "./routing.js";
import type { ContextStore, StoreWriter } from "./store.js";
import type { Tick } from "./ticks.js";

/** Options of `sendEvent`. */
export interface SendEventOptions {
  /** Deliver to this step only: its spec name (`generate_joke`) or method name (`generateJoke`). */
  readonly step?: string;
}

/**
 * The context a step method receives. `sendEvent` accepts only the step's declared emits
 * (`Emits`, a union of event classes' instances; `never` when the step emits nothing), and
 * `writeEventToStream` only the workflow's streamable events (`Streamable`).
 *
 * @example
 * ```ts
 * async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
 *   ctx.writeEventToStream(new Progress({ pct: 50 }));
 *   ctx.sendEvent(new JokeWritten({ joke: "…" }));
 * }
 * ```
 */
export interface StepContext<State = Record<string, never>, Emits extends Event = Event, Streamable extends Event = Event> {
  /** The store and typed state (see {@link ContextStore}). */
  readonly store: ContextStore<State>;
  /** Aborted when the run ends (stop event, failure, timeout, cancel) or this attempt times out. */
  readonly signal: AbortSignal;
  /** The step's spec name. */
  readonly stepName: string;
  /** This attempt's number, 1-based. */
  readonly attempt: number;
  /** The run's id. */
  readonly runId: string;
  /** Routes an event to every step accepting it, or to `options.step` only. Never blocks. */
  sendEvent(ev: Emits, options?: SendEventOptions): void;
  /**
   * Buffers `ev` for this step and returns the buffered events matching `types` (in that
   * order) once all are present, consuming them; otherwise null. Synchronous.
   */
  collectEvents<const T extends readonly EventClass[]>(ev: Event, types: T): InstancesOf<T> | null;
  /**
   * Writes an event to the run's stream (not routed). Generated contexts accept only the
   * workflow's own events, not its start or stop events (`Streamable`).
   */
  writeEventToStream(ev: Streamable): void;
}

/**
 * One attempt's context. It is fenced: once the attempt ended (it returned, threw or timed out) or
 * its run ended, nothing done through it counts (sends, stream writes, collects, store and state
 * edits are dropped). `input_required` events it sends or writes are held and published together
 * with its outcome, so a reader who sees the question never sees the asking step still in flight.
 */
export class AttemptContext implements StepContext<Record<string, unknown>, Event>, StoreWriter {
  private ended = false;
  private storeView: ContextStore<Record<string, unknown>> | null = null;
  private held: Tick[] | null = null;
  private endHooks: (() => void)[] | null = null;

  constructor(
    private readonly driver: RunDriver,
    readonly step: StepEnv,
    /** Seq of the delivery being attempted. */
    readonly seq: number,
    /** The event being handled. */
    readonly event: Event,
    readonly attempt: number,
    /** The attempt's own signal (it has a timeout), or null: then the run's. */
    private readonly ownSignal: AbortSignal | null,
  ) {}

  /** Aborted when the attempt times out or the run ends. */
  get signal(): AbortSignal {
    return this.ownSignal ?? this.driver.signal;
  }

  /** The step's spec name. */
  get stepName(): string {
    return this.step.name;
  }

  /** True while what this attempt does still counts. */
  get live(): boolean {
    return !this.ended && this.driver.live;
  }

  get store(): ContextStore<Record<string, unknown>> {
    return (this.storeView ??= this.driver.storeFor(this));
  }

  get runId(): string {
    return this.driver.runId;
  }

  sendEvent(ev: Event, options?: SendEventOptions): void {
    this.driver.sendFromStep(this, ev, options?.step ?? null);
  }

  collectEvents<const T extends readonly EventClass[]>(ev: Event, types: T): InstancesOf<T> | null {
    return this.driver.collect(this, ev, types) as InstancesOf<T> | null;
  }

  writeEventToStream(ev: Event): void {
    this.driver.writeFromStep(this, ev);
  }

  /** StoreWriter: applies a tick made by this attempt (a store or state write). */
  submit(tick: Tick): void {
    this.driver.submitFromAttempt(this, tick);
  }

  /** StoreWriter: fails the run (an invalid state edit). */
  failRun(error: Error): void {
    if (this.live) this.driver.submit({ type: "run_failed", error });
  }

  /** StoreWriter: runs `fn` when this attempt ends (at once when it has). */
  onEnd(fn: () => void): void {
    if (!this.live) return fn();
    if (this.endHooks === null) {
      this.endHooks = [];
      this.driver.watchEnd(this);
    }
    this.endHooks.push(fn);
  }

  /** Holds a tick until the attempt's outcome (see the class comment). */
  hold(tick: Tick): void {
    (this.held ??= []).push(tick);
  }

  /** Ends the attempt: later calls through it are dropped. Returns the held ticks, or null when it had already ended. */
  end(): Tick[] | null {
    if (this.ended) return null;
    this.ended = true;
    const hooks = this.endHooks;
    this.endHooks = null;
    if (hooks !== null) for (const fn of hooks) fn();
    const held = this.held ?? NONE;
    this.held = null;
    return held;
  }
}

const NONE: Tick[] = [];
