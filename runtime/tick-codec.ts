// The JSON codec for ticks: what a durable journal (SQLite, DBOS, …) stores for each tick.
//
// - Events travel as `SerializedEvent`, `{ type: typeName, data: toJSON() }` (as in context snapshots),
//   and are revived through the workflow's `RunEnv.events`; an unknown type name is a
//   `JournalMismatchError`, never a silently different event.
// - Errors travel as `SerializedError`, `{ name, message, stack?, cause?, …extra }`, and are revived by
//   `name` into the runtime's error classes (`WorkflowRuntimeError`, `WorkflowTimeoutError`, …); any
//   other name becomes a plain `Error` whose `name` is kept. A thrown non-Error value is kept as
//   `{ name: "NonError", message: String(value), value }` when it is JSON, and revived as that value.
// - Every other field is plain JSON already (ticks name steps by spec name).
//
// `encodeTick(tick)` is pure and total (never throws on a well-formed tick); `decodeTick(json, env)`
// validates the shape and throws `JournalMismatchError` (unknown event type) or `TypeError` (not a tick).

import {
  JournalMismatchError,
  WorkflowCancelledError,
  WorkflowRuntimeError,
  WorkflowTimeoutError,
  WorkflowValidationError,
  type ValidationIssue,
} from "./errors.js";
import { decodeEvent, encodeEvent } from "./event-codec.js";
import type { RunEnv } from "./routing.js";
import type { SerializedEvent } from "./serialize.js";
import type { Tick } from "./ticks.js";
import { attempt, describeThrown, isError } from "./thrown.js";

/** An error as JSON. `extra` carries class-specific fields (`step`, `timeout`, `activeSteps`, `issues`, …). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: SerializedError;
  readonly extra?: Readonly<Record<string, unknown>>;
  /** For a thrown value that is not an Error: the value itself (when it is JSON). */
  readonly value?: unknown;
}

/**
 * A tick as JSON: the same `type` tag and fields, with events as `SerializedEvent` and errors as
 * `SerializedError`.
 */
export type SerializedTick =
  | { readonly type: "run_started"; readonly runId: string; readonly start: SerializedEvent }
  | { readonly type: "run_resumed"; readonly runId: string }
  | { readonly type: "event_sent"; readonly event: SerializedEvent; readonly target: string | null; readonly from: string | null }
  | { readonly type: "attempt_succeeded"; readonly step: string; readonly seq: number; readonly attempt: number; readonly result: SerializedEvent | null }
  | { readonly type: "attempt_failed"; readonly step: string; readonly seq: number; readonly attempt: number; readonly error: SerializedError }
  | { readonly type: "retry_due"; readonly step: string; readonly seq: number }
  | { readonly type: "stream_written"; readonly event: SerializedEvent }
  | { readonly type: "store_set"; readonly key: string; readonly value: unknown }
  | { readonly type: "state_set"; readonly state: Record<string, unknown> }
  /**
   * A `state_set` stored as a change of the previous state (top-level keys set or removed), so
   * editing one field of a large state does not write the whole state. Decoding needs the state
   * it applies to (`decodeTick(json, env, state)`). Written by the journal, never by `encodeTick`.
   */
  | { readonly type: "state_patch"; readonly set: Readonly<Record<string, unknown>>; readonly unset: readonly string[] }
  | {
      readonly type: "collected";
      readonly step: string;
      readonly by: number;
      readonly add: { readonly seq: number; readonly event: SerializedEvent } | null;
      readonly take: readonly number[];
    }
  | { readonly type: "run_failed"; readonly error: SerializedError }
  | { readonly type: "timed_out"; readonly timeout: number }
  | { readonly type: "cancelled" };

export { encodeEvent, decodeEvent } from "./event-codec.js";

const EXTRA_KEYS: Record<string, readonly string[]> = {
  WorkflowRuntimeError: ["step"],
  WorkflowTimeoutError: ["timeout", "activeSteps"],
  WorkflowValidationError: ["target", "field", "issues"],
  JournalMismatchError: ["differences"],
};

/**
 * Any thrown value as JSON (depth-limited `cause` chain). Total: a value that cannot be read (a
 * revoked Proxy, `Object.create(null)`, throwing getters) is described, never rethrown.
 */
export function encodeError(error: unknown, depth = 0): SerializedError {
  if (!isError(error)) {
    const value = attempt<unknown>(() => JSON.parse(JSON.stringify(error ?? null)), undefined);
    return { name: "NonError", message: describeThrown(error), ...(value !== undefined ? { value } : {}) };
  }
  const out: { -readonly [K in keyof SerializedError]: SerializedError[K] } = {
    name: attempt(() => String(error.name), "Error"),
    message: attempt(() => String(error.message), "(unreadable message)"),
  };
  const stack = attempt(() => error.stack, undefined);
  if (typeof stack === "string") out.stack = stack;
  const cause = attempt(() => error.cause, undefined);
  if (cause !== undefined && depth < 8) out.cause = encodeError(cause, depth + 1);
  const keys = EXTRA_KEYS[out.name];
  if (keys !== undefined) {
    const extra = attempt(() => {
      const picked: Record<string, unknown> = {};
      for (const key of keys) picked[key] = (error as unknown as Record<string, unknown>)[key];
      return JSON.parse(JSON.stringify(picked)) as Record<string, unknown>;
    }, undefined);
    if (extra !== undefined) out.extra = extra;
  }
  return out;
}

/** Revives an error by name into the runtime's classes; other names give a plain `Error` with that name. */
export function decodeError(json: SerializedError): unknown {
  if (json.name === "NonError") return "value" in json ? json.value : json.message;
  const cause = json.cause !== undefined ? decodeError(json.cause) : undefined;
  const extra = (json.extra ?? {}) as Record<string, any>;
  let error: Error;
  switch (json.name) {
    case "WorkflowRuntimeError":
      error = new WorkflowRuntimeError(json.message, { step: extra.step, ...(cause !== undefined ? { cause } : {}) });
      break;
    case "WorkflowTimeoutError":
      error = new WorkflowTimeoutError(json.message, Number(extra.timeout ?? 0), (extra.activeSteps ?? []) as string[]);
      break;
    case "WorkflowCancelledError":
      error = new WorkflowCancelledError(json.message);
      break;
    case "WorkflowValidationError": {
      const v = new WorkflowValidationError(String(extra.target ?? "?"), (extra.issues ?? []) as ValidationIssue[]);
      Object.defineProperty(v, "message", { value: json.message, writable: true, configurable: true });
      error = v;
      break;
    }
    case "JournalMismatchError":
      error = new JournalMismatchError(json.message, (extra.differences ?? []) as string[]);
      break;
    default:
      error = new Error(json.message, cause !== undefined ? { cause } : undefined);
      if (json.name !== "Error") Object.defineProperty(error, "name", { value: json.name, writable: true, configurable: true });
  }
  if (cause !== undefined && error.cause === undefined) Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true });
  if (json.stack !== undefined) Object.defineProperty(error, "stack", { value: json.stack, writable: true, configurable: true });
  return error;
}

/**
 * A tick as plain JSON (a fresh object; nothing shared with the live run).
 *
 * @example
 * ```ts
 * const text = JSON.stringify(encodeTick(tick));
 * const again = decodeTick(JSON.parse(text), buildRunEnv(MyFlowBase.definition));
 * ```
 */
export function encodeTick(t: Tick): SerializedTick {
  switch (t.type) {
    case "run_started":
      return { type: t.type, runId: t.runId, start: encodeEvent(t.start) };
    case "run_resumed":
      return { type: t.type, runId: t.runId };
    case "event_sent":
      return { type: t.type, event: encodeEvent(t.event), target: t.target, from: t.from };
    case "attempt_succeeded":
      return { type: t.type, step: t.step, seq: t.seq, attempt: t.attempt, result: t.result === null ? null : encodeEvent(t.result) };
    case "attempt_failed":
      return { type: t.type, step: t.step, seq: t.seq, attempt: t.attempt, error: encodeError(t.error) };
    case "retry_due":
      return { type: t.type, step: t.step, seq: t.seq };
    case "stream_written":
      return { type: t.type, event: encodeEvent(t.event) };
    case "store_set":
      return { type: t.type, key: t.key, value: t.value === undefined ? null : t.value };
    case "state_set":
      return { type: t.type, state: t.state };
    case "collected":
      return { type: t.type, step: t.step, by: t.by, add: t.add === null ? null : { seq: t.add.seq, event: encodeEvent(t.add.event) }, take: [...t.take] };
    case "run_failed":
      return { type: t.type, error: encodeError(t.error) };
    case "timed_out":
      return { type: t.type, timeout: t.timeout };
    case "cancelled":
      return { type: t.type };
  }
}

/** True when two JSON values are equal (deep; key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** A `state_set` as a `state_patch` against `previous`: only the top-level fields that changed. */
export function encodeStatePatch(previous: Record<string, unknown>, next: Record<string, unknown>): SerializedTick {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const key of Object.keys(next)) {
    const value = next[key];
    if (value === undefined) {
      if (Object.hasOwn(previous, key) && previous[key] !== undefined) unset.push(key);
    } else if (!jsonEqual(previous[key], value)) set[key] = value;
  }
  for (const key of Object.keys(previous)) if (!Object.hasOwn(next, key) && previous[key] !== undefined) unset.push(key);
  return { type: "state_patch", set, unset };
}

/**
 * Revives a tick for `env`'s workflow. `state` is the run's current typed state, needed only for a
 * `state_patch` (which becomes a `state_set` of the patched state). Throws `JournalMismatchError`
 * on unknown event types, `TypeError` on non-ticks.
 */
export function decodeTick(json: SerializedTick, env: RunEnv, state?: Record<string, unknown>): Tick {
  if (json === null || typeof json !== "object" || typeof (json as { type?: unknown }).type !== "string") {
    throw new TypeError(`Not a serialized tick: ${JSON.stringify(json)?.slice(0, 80)}`);
  }
  switch (json.type) {
    case "run_started":
      return { type: json.type, runId: json.runId, start: decodeEvent(env, json.start) };
    case "run_resumed":
      return json;
    case "event_sent":
      return { type: json.type, event: decodeEvent(env, json.event), target: json.target, from: json.from };
    case "attempt_succeeded":
      return { ...json, result: json.result === null ? null : decodeEvent(env, json.result) };
    case "attempt_failed":
      return { ...json, error: decodeError(json.error) };
    case "retry_due":
    case "store_set":
    case "state_set":
    case "timed_out":
    case "cancelled":
      return json;
    case "stream_written":
      return { type: json.type, event: decodeEvent(env, json.event) };
    case "state_patch": {
      if (state === undefined) throw new TypeError("decodeTick: a state_patch tick needs the state it applies to");
      const next: Record<string, unknown> = { ...state, ...(JSON.parse(JSON.stringify(json.set)) as Record<string, unknown>) };
      for (const key of json.unset) delete next[key];
      return { type: "state_set", state: next };
    }
    case "collected":
      return { ...json, add: json.add === null ? null : { seq: json.add.seq, event: decodeEvent(env, json.add.event) } };
    case "run_failed": {
      const error = decodeError(json.error);
      return { type: json.type, error: error instanceof Error ? error : new Error(String(error)) };
    }
    default:
      throw new TypeError(`Unknown tick type "${(json as { type: string }).type}"`);
  }
}
