// Context snapshots as plain JSON, and back. Events travel as `{ type, data }` with their stable
// type name, so restoring never depends on which module loaded first.

import { JournalMismatchError } from "./errors.js";
import { eventClassOf } from "./event.js";
import { decodeEvent, encodeEvent } from "./event-codec.js";
import type { ContextInternals } from "./internals.js";
import { bufferAdd, emptyStepState, type Delivery, type RunStatus } from "./run-state.js";
import { parseState } from "./validate.js";
import type { ZodType } from "zod";

/** An event: its stable type name and its fields. */
export interface SerializedEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** A collect-buffer entry. */
export interface SerializedEntry {
  readonly seq: number;
  readonly event: SerializedEvent;
}

/** A delivery: queued, or in flight (with the buffer entries its attempt had consumed). */
export interface SerializedDelivery extends SerializedEntry {
  readonly attempt: number;
  readonly taken?: readonly SerializedEntry[];
  /** Between a failed attempt and its retry (absent: false). */
  readonly waiting?: boolean;
}

/** One step's work. */
export interface SerializedStep {
  readonly queue: readonly SerializedDelivery[];
  /** Deliveries being attempted when saved; re-dispatched first on resume. */
  readonly inFlight: readonly SerializedDelivery[];
  readonly buffer: readonly SerializedEntry[];
}

/**
 * `ctx.toJSON()`: a plain-JSON snapshot of a context.
 *
 * @example
 * ```ts
 * const text = JSON.stringify(handler.ctx.toJSON());
 * const ctx = Context.fromJSON(new JokeFlow(), text);
 * ```
 */
export interface ContextJSON {
  readonly format: "flowspec-context";
  readonly version: 1;
  readonly workflow: string;
  readonly runId: string | null;
  readonly status: RunStatus;
  readonly nextSeq: number;
  readonly state: Record<string, unknown>;
  readonly store: Record<string, unknown>;
  /** By step spec name; steps with nothing to keep are left out. */
  readonly steps: Readonly<Record<string, SerializedStep>>;
  /** Stream events written and not yet read. */
  readonly stream: readonly SerializedEvent[];
}


function delivery(d: Delivery): SerializedDelivery {
  let out: SerializedDelivery = { seq: d.seq, event: encodeEvent(d.event), attempt: d.attempt };
  if (d.waiting) out = { ...out, waiting: true };
  return d.taken === null ? out : { ...out, taken: d.taken.map((e) => ({ seq: e.seq, event: encodeEvent(e.event) })) };
}

/** Snapshots a context (live or not) as plain JSON. */
export function serializeContext(ci: ContextInternals): ContextJSON {
  const run = ci.run;
  const steps: Record<string, SerializedStep> = {};
  for (const step of ci.env.steps) {
    const st = run.steps[step.index]!;
    if (st.queue.length === 0 && st.active.length === 0 && st.buffer.size === 0) continue;
    steps[step.name] = {
      queue: st.queue.toArray().map(delivery),
      inFlight: [...st.active].sort((a, b) => a.seq - b.seq).map(delivery),
      buffer: [...st.buffer].map(([seq, ev]) => ({ seq, event: encodeEvent(ev) })),
    };
  }
  const stream = ci.driver !== null ? ci.driver.stream.backlog() : ci.backlog;
  const json: ContextJSON = {
    format: "flowspec-context",
    version: 1,
    workflow: ci.env.workflow,
    runId: run.runId,
    status: run.status,
    nextSeq: run.nextSeq,
    state: run.state,
    store: Object.fromEntries(run.store),
    steps,
    stream: stream.map(encodeEvent),
  };
  // A deep, detached copy: no class instances, no shared references with the live run.
  return JSON.parse(JSON.stringify(json)) as ContextJSON;
}


/** Fills a fresh context from a snapshot; throws `JournalMismatchError` when it names unknown steps or events. */
export function restoreContext(ci: ContextInternals, json: ContextJSON, stateSchema: ZodType | undefined): void {
  if (json?.format !== "flowspec-context" || json.version !== 1) {
    throw new TypeError("Not a flowspec context snapshot (expected format \"flowspec-context\", version 1)");
  }
  const env = ci.env;
  if (json.workflow !== env.workflow) {
    throw new JournalMismatchError(`The context was saved by workflow ${json.workflow}, not ${env.workflow}`, [json.workflow]);
  }
  const run = ci.run;
  const state = parseState(stateSchema, json.state);
  if (!state.ok) throw state.error;
  run.state = state.state;
  run.runId = json.runId;
  run.status = json.status === "running" ? "paused" : json.status;
  run.nextSeq = json.nextSeq;
  run.store.clear();
  for (const [key, value] of Object.entries(json.store)) run.store.set(key, value);
  for (const [name, saved] of Object.entries(json.steps)) {
    const step = env.byName.get(name);
    if (step === undefined || step.name !== name) {
      throw new JournalMismatchError(`Workflow ${env.workflow} has no step "${name}"`, [name]);
    }
    const st = emptyStepState();
    for (const d of saved.queue) st.queue.push({ seq: d.seq, event: decodeEvent(env, d.event), attempt: 0, waiting: false, taken: null });
    for (const d of saved.inFlight) {
      const taken = d.taken?.map((e) => ({ seq: e.seq, event: decodeEvent(env, e.event) })) ?? null;
      st.active.push({ seq: d.seq, event: decodeEvent(env, d.event), attempt: d.attempt, waiting: d.waiting === true, taken });
    }
    for (const e of saved.buffer) {
      const ev = decodeEvent(env, e.event);
      bufferAdd(st, e.seq, ev, eventClassOf(ev).typeName);
    }
    run.steps[step.index] = st;
  }
  ci.backlog = json.stream.map((e) => decodeEvent(env, e));
}

/** A context as a journal snapshot: JSON text of its `ContextJSON` without the stream (the journal keeps the stream itself). */
export function snapshotText(ci: ContextInternals): string {
  return JSON.stringify({ ...serializeContext(ci), stream: [] });
}
