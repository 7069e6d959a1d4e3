// The data a run is made of. The reducer is the only writer of a `RunState`; the driver and the
// contexts read it. Everything here is plain data plus event instances, so a snapshot is a walk.

import { eventClassOf, type Event } from "./event.js";
import { IndexQueue } from "./queue.js";

/**
 * Where a context's run stands. `paused` is a run restored from JSON that was running when it was
 * saved; it resumes with `run(undefined, { ctx })`, as do `cancelled` and `timed_out` runs.
 */
export type RunStatus = "idle" | "running" | "paused" | "completed" | "failed" | "cancelled" | "timed_out";

/** `RunStatus`, with `waiting` for a running run that has nothing to do until an event arrives from outside. */
export type ContextStatus = Exclude<RunStatus, "running"> | "running" | "waiting";

/** The status a context or handler reports: `waiting` when running with no step in flight and nothing queued. */
export function contextStatus(run: RunState): ContextStatus {
  if (run.status !== "running") return run.status;
  for (const st of run.steps) if (st.active.length > 0 || st.queue.length > 0) return "running";
  return "waiting";
}

/** The status a handler reports once its run ended: how it ended; a run that ended without an end status (an internal error) failed. */
export function endedStatus(run: RunState): ContextStatus {
  const status = run.status;
  return status === "running" || status === "paused" || status === "idle" ? "failed" : status;
}

/** Statuses `run(undefined, { ctx })` continues instead of starting afresh. */
export const RESUMABLE: ReadonlySet<RunStatus> = new Set<RunStatus>(["paused", "cancelled", "timed_out"]);

/** One event on its way to one step. Moves from the step's queue to its active set. */
export interface Delivery {
  /** Unique within the context; identifies the delivery in ticks and collect buffers. */
  readonly seq: number;
  readonly event: Event;
  /** 0 while queued; then the number (1-based) of the current or last attempt. */
  attempt: number;
  /** True between a failed attempt and its retry. */
  waiting: boolean;
  /** Collect-buffer entries the current attempt consumed; put back if the attempt fails. */
  taken: CollectEntry[] | null;
}

/** An event held in a step's collect buffer. */
export interface CollectEntry {
  readonly seq: number;
  readonly event: Event;
}

/** Per-step part of a run. */
export interface StepState {
  /** Deliveries waiting for a free worker, FIFO. */
  queue: IndexQueue<Delivery>;
  /**
   * Deliveries being attempted or waiting to retry, unordered. Never longer than `workers`, so an
   * array scan beats a Map here (a Map's set/delete churn costs ~20x more per event).
   */
  readonly active: Delivery[];
  /** `collectEvents` buffer, in arrival order (Map keeps insertion order), by seq. */
  buffer: Map<number, Event>;
  /** Buffered events per type name, so an unsatisfiable collect answers in O(1). */
  counts: Map<string, number>;
}

/** Everything a context knows about its run: status, store, typed state and every step's work. */
export interface RunState {
  status: RunStatus;
  runId: string | null;
  /** Next delivery seq. */
  nextSeq: number;
  /** The key/value store (any JSON value under any key). */
  readonly store: Map<string, unknown>;
  /** The typed state, as last committed. */
  state: Record<string, unknown>;
  /** Indexed like the definition's steps. */
  readonly steps: StepState[];
}

/** A step's empty run-time state. */
export function emptyStepState(): StepState {
  return { queue: new IndexQueue(), active: [], buffer: new Map(), counts: new Map() };
}

/** The active delivery with this seq, or undefined. */
export function activeGet(step: StepState, seq: number): Delivery | undefined {
  const active = step.active;
  for (let i = 0; i < active.length; i++) if (active[i]!.seq === seq) return active[i];
  return undefined;
}

/** Removes the active delivery with this seq (swap-remove; the array is unordered). */
export function activeRemove(step: StepState, seq: number): void {
  const active = step.active;
  for (let i = 0; i < active.length; i++) {
    if (active[i]!.seq === seq) {
      active[i] = active[active.length - 1]!;
      active.pop();
      return;
    }
  }
}

/** A fresh run state for `stepCount` steps. */
export function createRunState(stepCount: number, state: Record<string, unknown>): RunState {
  const steps: StepState[] = [];
  for (let i = 0; i < stepCount; i++) steps.push(emptyStepState());
  return { status: "idle", runId: null, nextSeq: 1, store: new Map(), state, steps };
}

/** A queued delivery. */
export function newDelivery(seq: number, event: Event): Delivery {
  return { seq, event, attempt: 0, waiting: false, taken: null };
}

/** Adds an entry to a step's collect buffer. */
export function bufferAdd(step: StepState, seq: number, event: Event, typeName: string): void {
  step.buffer.set(seq, event);
  step.counts.set(typeName, (step.counts.get(typeName) ?? 0) + 1);
}

/** Removes an entry from a step's collect buffer; returns it, or undefined when absent. */
export function bufferTake(step: StepState, seq: number): Event | undefined {
  const event = step.buffer.get(seq);
  if (event === undefined) return undefined;
  step.buffer.delete(seq);
  const typeName = eventClassOf(event).typeName;
  const left = (step.counts.get(typeName) ?? 1) - 1;
  if (left === 0) step.counts.delete(typeName);
  else step.counts.set(typeName, left);
  return event;
}

/** Puts consumed entries back, keeping the buffer in arrival (seq) order. */
export function bufferRestore(step: StepState, entries: readonly CollectEntry[]): void {
  if (entries.length === 0) return;
  const all: CollectEntry[] = [];
  for (const [seq, event] of step.buffer) all.push({ seq, event });
  for (const entry of entries) if (!step.buffer.has(entry.seq)) all.push(entry);
  all.sort((a, b) => a.seq - b.seq);
  step.buffer = new Map();
  step.counts = new Map();
  for (const { seq, event } of all) bufferAdd(step, seq, event, eventClassOf(event).typeName);
}
