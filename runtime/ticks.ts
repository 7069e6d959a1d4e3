// Ticks and commands: the vocabulary between the pure reducer and the async driver.
//
// A tick is a fact that changes the run ("step X attempt 2 returned E"); ticks are what a durable
// journal appends, in order, before their effects leave the process, and replaying them through
// `reduce` rebuilds the run. A command is what the reducer asks the driver to do ("start attempt
// 1 of step X on event E"); commands are derived, so they are never journaled. Both are
// `type`-tagged, readonly records. They are not `Object.freeze`d at run time: freezing costs more
// than the rest of a hop on the hot path; `readonly` types enforce immutability at compile time.
// Ticks name steps by spec name (stable across spec reorderings); commands use indices.

import type { Event } from "./event.js";

/** A new run begins with its start event; queues, buffers and in-flight work are reset. */
export interface RunStartedTick { readonly type: "run_started"; readonly runId: string; readonly start: Event }
/** A paused, cancelled or timed-out run continues: in-flight work is re-queued first. */
export interface RunResumedTick { readonly type: "run_resumed"; readonly runId: string }
/** An event enters routing: returned by `sendEvent` (from a step, or from outside when `from` is null). */
export interface EventSentTick {
  readonly type: "event_sent";
  readonly event: Event;
  /** `{ step }` of `sendEvent`: spec or method name; null routes to every accepting step. */
  readonly target: string | null;
  /** The sending step's name; null from outside the run. */
  readonly from: string | null;
}
/** A step attempt finished; its returned event (or null) is routed. */
export interface AttemptSucceededTick {
  readonly type: "attempt_succeeded";
  readonly step: string;
  readonly seq: number;
  readonly attempt: number;
  readonly result: Event | null;
}
/** A step attempt threw (or timed out); the reducer retries or fails the run. */
export interface AttemptFailedTick {
  readonly type: "attempt_failed";
  readonly step: string;
  readonly seq: number;
  readonly attempt: number;
  readonly error: unknown;
}
/** A retry's delay elapsed. */
export interface RetryDueTick { readonly type: "retry_due"; readonly step: string; readonly seq: number }
/** A step (or the outside) wrote to the event stream. */
export interface StreamWrittenTick { readonly type: "stream_written"; readonly event: Event }
/** `store.set(key, value)`. */
export interface StoreSetTick { readonly type: "store_set"; readonly key: string; readonly value: unknown }
/** `editState` committed this (validated) state. */
export interface StateSetTick { readonly type: "state_set"; readonly state: Record<string, unknown> }
/**
 * `collectEvents` decided: buffer `add` (unless null) and consume the `take` seqs. `by` is the seq
 * of the delivery whose attempt collected, so a failed attempt's consumption can be undone.
 */
export interface CollectedTick {
  readonly type: "collected";
  readonly step: string;
  readonly by: number;
  readonly add: { readonly seq: number; readonly event: Event } | null;
  readonly take: readonly number[];
}
/** The run failed outside a step body: invalid event or state, a bad return value. */
export interface RunFailedTick { readonly type: "run_failed"; readonly error: Error }
/** The run's timeout elapsed. */
export interface TimedOutTick { readonly type: "timed_out"; readonly timeout: number }
/** `handler.cancel()`. */
export interface CancelledTick { readonly type: "cancelled" }

/** Every fact that can change a run. */
export type Tick =
  | RunStartedTick
  | RunResumedTick
  | EventSentTick
  | AttemptSucceededTick
  | AttemptFailedTick
  | RetryDueTick
  | StreamWrittenTick
  | StoreSetTick
  | StateSetTick
  | CollectedTick
  | RunFailedTick
  | TimedOutTick
  | CancelledTick;

/** Call the step's method for attempt `attempt` of delivery `seq`. */
export interface StartAttemptCommand {
  readonly type: "start_attempt";
  readonly step: number;
  readonly seq: number;
  readonly event: Event;
  readonly attempt: number;
}
/** Submit `retry_due` for delivery `seq` after `delayMs`. */
export interface ScheduleRetryCommand { readonly type: "schedule_retry"; readonly step: number; readonly seq: number; readonly delayMs: number }
/** Append an event to the run's stream. */
export interface WriteStreamCommand { readonly type: "write_stream"; readonly event: Event }
/** The run reached a stop event: settle with it. */
export interface CompleteRunCommand { readonly type: "complete_run"; readonly result: Event }
/** The run ended in error: settle with it. */
export interface FailRunCommand { readonly type: "fail_run"; readonly error: Error }

/** Everything the reducer can ask of the driver. */
export type Command = StartAttemptCommand | ScheduleRetryCommand | WriteStreamCommand | CompleteRunCommand | FailRunCommand;
