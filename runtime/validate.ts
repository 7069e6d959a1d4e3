// zod checks of events and state, turned into `WorkflowValidationError`s that name what broke.

import type { ZodError, ZodType } from "zod";
import { WorkflowValidationError, type ValidationIssue } from "./errors.js";
import { Event, eventClassOf } from "./event.js";

function issuesOf(error: ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message }));
}

/** Checks an event against its class's schema; returns the error, or null when it is valid. */
export function checkEvent(ev: Event, cls: { readonly typeName: string; readonly schema: ZodType } = eventClassOf(ev)): WorkflowValidationError | null {
  const result = cls.schema.safeParse(ev);
  return result.success ? null : new WorkflowValidationError(cls.typeName, issuesOf(result.error));
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

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ? `a ${value.constructor.name}` : "an object";
  return typeof value === "string" ? `the string ${JSON.stringify(value.slice(0, 40))}` : `${typeof value} ${String(value)}`;
}
