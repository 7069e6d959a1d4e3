// Reading values that user code hands the runtime without trusting them: a thrown value may be
// `Object.create(null)`, a revoked Proxy or an object whose getters throw, and a step outcome may
// hold a cycle or a BigInt that JSON cannot carry. Nothing here throws.

import { WorkflowRuntimeError } from "./errors.js";

/** Runs `read`, or returns `fallback` when it throws. */
export function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** True when `value` is an `Error` (false for a revoked Proxy, whose `instanceof` throws). */
export function isError(value: unknown): value is Error {
  return attempt(() => value instanceof Error, false);
}

/** Any thrown value as an Error: itself when it is one, else an Error describing it. */
export function asError(value: unknown): Error {
  return isError(value) ? value : new Error(describeThrown(value));
}

/** A one-line description of any thrown value, for messages. */
export function describeThrown(value: unknown): string {
  if (isError(value)) return attempt(() => String(value.message), "(an Error whose message cannot be read)");
  const text = attempt<string | null>(() => String(value), null);
  if (text !== null) return text;
  return attempt(() => (Object.getPrototypeOf(value) === null ? "an object with no prototype" : "an object that cannot be converted to text"), "a value that cannot be read (a revoked Proxy?)");
}

/** Where and why `value` cannot be written as JSON. */
export interface Unencodable {
  /** Dotted path from the value's root (`""` for the root itself). */
  readonly path: string;
  readonly reason: string;
}

/**
 * The first place in `value` that makes `JSON.stringify` throw (a cycle, a BigInt, a throwing
 * getter or `toJSON`, a revoked Proxy), or null. Call it after `JSON.stringify` threw, to say where.
 */
export function findUnencodable(value: unknown, path = "", seen: unknown[] = []): Unencodable | null {
  if (typeof value === "bigint") return { path, reason: "a BigInt" };
  if (value === null || typeof value !== "object") return null;
  if (seen.includes(value)) return { path, reason: "a cycle (the value contains itself)" };
  const toJSON = attempt<unknown>(() => (value as { toJSON?: unknown }).toJSON, attempt);
  if (toJSON === attempt) return { path, reason: "a value whose properties cannot be read (a revoked Proxy?)" };
  if (typeof toJSON === "function") {
    let converted: unknown;
    try {
      converted = (toJSON as (key: string) => unknown).call(value, "");
    } catch (error) {
      return { path, reason: `its toJSON() threw: ${describeThrown(error)}` };
    }
    if (converted !== value) return findUnencodable(converted, path, [...seen, value]);
  }
  const keys = attempt<string[] | null>(() => Object.keys(value), null);
  if (keys === null) return { path, reason: "a value whose keys cannot be read (a revoked Proxy?)" };
  seen.push(value);
  for (const key of keys) {
    const child = join(path, key, Array.isArray(value));
    let inner: unknown;
    try {
      inner = (value as Record<string, unknown>)[key];
    } catch (error) {
      return { path: child, reason: `reading it threw: ${describeThrown(error)}` };
    }
    const found = findUnencodable(inner, child, seen);
    if (found !== null) return found;
  }
  seen.pop();
  return null;
}

function join(path: string, key: string, index: boolean): string {
  if (index) return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/**
 * A tick holds a value that cannot be journaled (a cycle, a BigInt, a throwing getter, a revoked
 * Proxy). The driver turns it into the failure of the attempt that produced it, never a crash.
 */
export class UnjournalableError extends Error {
  override readonly name = "UnjournalableError";
  /** Where in the tick the value is, e.g. `JokeWritten.payload.self`, and why it cannot be written. */
  readonly where: string;

  constructor(entry: object, cause: unknown) {
    const found = findUnencodable(entry);
    const where = found === null ? `a value (${describeThrown(cause)})` : `${readablePath(found.path, entry)} is ${found.reason}`;
    super(`cannot be journaled: ${where}`, { cause });
    this.where = where;
  }

  /** The error an attempt of `step` fails with. */
  forStep(step: string): WorkflowRuntimeError {
    return new WorkflowRuntimeError(`Step "${step}" produced a value that cannot be journaled: ${this.where}`, { step });
  }
}

/** `tick.event.data.a.b` → `JokeWritten field a.b`: the path named after what the user wrote. */
function readablePath(path: string, entry: object): string {
  const p = path.replace(/^tick\./, "");
  const field = /^(event|result|start|add\.event)(?:\.data)?(?:\.(.*))?$/.exec(p);
  if (field !== null) {
    const tick = ("tick" in entry ? entry.tick : entry) as unknown as Record<string, { type?: unknown; constructor?: { typeName?: unknown } } | undefined>;
    const ev = field[1] === "add.event" ? (tick.add as unknown as Record<string, typeof tick.event>)?.event : tick[field[1]!];
    const type = typeof ev?.type === "string" ? ev.type : typeof ev?.constructor?.typeName === "string" ? ev.constructor.typeName : "the event";
    return field[2] === undefined ? String(type) : `${String(type)} field ${field[2]}`;
  }
  const state = /^(?:state|set)(?:\.(.*))?$/.exec(p);
  if (state !== null) return state[1] === undefined ? "the state" : `state field ${state[1]}`;
  if (p.startsWith("value")) return `the store value${p.slice(5)}`;
  return p;
}

