// The context a step receives. Its type narrows `sendEvent` to the step's declared emits; its
// implementation is one small object per attempt that forwards to the run's driver.

import type { RunDriver } from "./driver.js";
import type { Event, EventClass } from "./event.js";
import type { InstancesOf } from "./definition.js";
import type { ContextStore } from "./store.js";

/** Options of `sendEvent`. */
export interface SendEventOptions {
  /** Deliver to this step only: its spec name (`generate_joke`) or method name (`generateJoke`). */
  readonly step?: string;
}

/**
 * The context a step method receives. `sendEvent` accepts only the step's declared emits
 * (`Emits`, a union of event classes' instances; `never` when the step emits nothing).
 *
 * @example
 * ```ts
 * async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
 *   ctx.writeEventToStream(new Progress({ pct: 50 }));
 *   ctx.sendEvent(new JokeWritten({ joke: "…" }));
 * }
 * ```
 */
export interface StepContext<State = Record<string, never>, Emits extends Event = Event> {
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
  /** Writes an event to the run's stream (not routed). */
  writeEventToStream(ev: Event): void;
}

/** One attempt's context. */
export class AttemptContext implements StepContext<Record<string, unknown>, Event> {
  constructor(
    private readonly driver: RunDriver,
    /** Index of the step in the definition. */
    readonly stepIndex: number,
    readonly stepName: string,
    /** Seq of the delivery being attempted. */
    readonly seq: number,
    /** The event being handled. */
    readonly event: Event,
    readonly attempt: number,
    readonly signal: AbortSignal,
  ) {}

  get store(): ContextStore<Record<string, unknown>> {
    return this.driver.store;
  }

  get runId(): string {
    return this.driver.runId;
  }

  sendEvent(ev: Event, options?: SendEventOptions): void {
    this.driver.send(ev, options?.step ?? null, this.stepName);
  }

  collectEvents<const T extends readonly EventClass[]>(ev: Event, types: T): InstancesOf<T> | null {
    return this.driver.collect(this, ev, types) as InstancesOf<T> | null;
  }

  writeEventToStream(ev: Event): void {
    this.driver.writeToStream(ev);
  }
}
