// zod checks of events and state, turned into `WorkflowValidationError`s that name what broke.

import type { ZodError, ZodType } from "zod";
import { WorkflowValidationError, type ValidationIssue } from "./errors.js";
import { Event, eventClassOf } from "./event.js";

function issuesOf(error: ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message }));
}

/**
 * Checks an event against its class's schema; returns the error, or null when it is valid. A valid
 * event takes the parsed values where they differ, so the defaults of nested types' fields (which
 * no constructor applies) are in the event the steps receive, never silently missing.
 */
export function checkEvent(
  ev: Event,
  cls: { readonly typeName: string; readonly schema: ZodType; readonly fillsIn?: boolean } = eventClassOf(ev),
): WorkflowValidationError | null {
  const result = cls.schema.safeParse(ev);
  if (!result.success) return new WorkflowValidationError(cls.typeName, issuesOf(result.error));
  if (cls.fillsIn ?? fillsIn(cls.schema)) {
    const parsed = result.data as Record<string, unknown>;
    const fields = ev as unknown as Record<string, unknown>;
    for (const key in parsed) if (fields[key] !== parsed[key]) fields[key] = parsed[key];
  }
  return null;
}

const fillers = new WeakMap<ZodType, boolean>();

/** Whether parsing with `schema` can fill in or change values (a default somewhere in it); memoized per schema. */
export function fillsIn(schema: ZodType): boolean {
  let known = fillers.get(schema);
  if (known === undefined) fillers.set(schema, (known = mayFillIn(schema, new Set())));
  return known;
}

function mayFillIn(schema: unknown, seen: Set<unknown>): boolean {
  const def = (schema as { _zod?: { def?: Record<string, any> } } | undefined)?._zod?.def;
  if (def === undefined) return true; // not a zod 4 schema we can read: assume it may
  if (seen.has(schema)) return false;
  seen.add(schema);
  switch (def.type) {
    case "default":
    case "prefault":
    case "catch":
    case "pipe":
    case "transform":
    case "lazy":
      return true;
    case "object":
      return Object.values(def.shape as Record<string, unknown>).some((field) => mayFillIn(field, seen));
    case "array":
      return mayFillIn(def.element, seen);
    case "record":
      return mayFillIn(def.valueType, seen);
    case "optional":
    case "nullable":
    case "readonly":
    case "nonoptional":
      return mayFillIn(def.innerType, seen);
    case "union":
      return (def.options as unknown[]).some((option) => mayFillIn(option, seen));
    case "tuple":
      return (def.items as unknown[]).some((item) => mayFillIn(item, seen)) || (def.rest != null && mayFillIn(def.rest, seen));
    default:
      return false;
  }
}

/** Throws a `TypeError` unless `value` is an `Event` (a programming error, caught at the call site). */
export function assertEvent(value: unknown, where: string): asserts value is Event {
  if (!(value instanceof Event)) throw new TypeError(`${where} expects an Event instance, got ${describe(value)}`);
}

/** Parses state with its schema: the parsed value (defaults applied), or the error naming the field. */
export function parseState(
  schema: ZodType | undefined,
  value: unknown,
): { ok: true; state: Record<string, unknown> } | { ok: false; error: WorkflowValidationError } {
  if (schema === undefined) return { ok: true, state: (value ?? {}) as Record<string, unknown> };
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, state: result.data as Record<string, unknown> };
  return { ok: false, error: new WorkflowValidationError("state", issuesOf(result.error)) };
}

/**
 * Like `parseState`, but validates only the `touched` top-level fields of `next` when the schema is a
 * plain object schema: the other fields were valid before and are unchanged. Falls back to a full
 * parse for any other schema.
 */
export function parseStateFields(
  schema: ZodType | undefined,
  next: Record<string, unknown>,
  touched: ReadonlySet<string>,
): { ok: true; state: Record<string, unknown> } | { ok: false; error: WorkflowValidationError } {
  const shape = (schema as { shape?: Record<string, ZodType> } | undefined)?.shape;
  if (schema === undefined || shape === undefined || typeof shape !== "object") return parseState(schema, next);
  const state = { ...next };
  for (const key of touched) {
    const field = shape[key];
    if (field === undefined) {
      delete state[key]; // an object schema strips unknown keys; so does this
      continue;
    }
    const result = field.safeParse(state[key]);
    if (!result.success) {
      const issues = issuesOf(result.error).map((issue) => ({ ...issue, field: issue.field === "" ? key : `${key}.${issue.field}` }));
      return { ok: false, error: new WorkflowValidationError("state", issues) };
    }
    if (result.data === undefined) delete state[key];
    else state[key] = result.data;
  }
  return { ok: true, state };
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ? `a ${value.constructor.name}` : "an object";
  return typeof value === "string" ? `the string ${JSON.stringify(value.slice(0, 40))}` : `${typeof value} ${String(value)}`;
}
