// Events as clients send them: a run body's start event (bare fields, an envelope, either as JSON
// text, or `kwargs`) and a send body's event (an envelope, JSON text, the legacy `data` key, or
// `qualified_name` alone, never imported), each checked against its class's schema with the field at
// fault named.

import type { EventClass } from "../runtime/index.js";
import { ClientError } from "./errors.js";
import type { ServedWorkflow } from "./workflows.js";

const ENVELOPE_KEYS = new Set(["type", "value", "data", "qualified_name", "types", "__is_pydantic"]);

/** A JSON value that may arrive as its JSON text (the reference accepts both). */
function unstring(value: unknown, field: string): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new ClientError(400, `${field} is a string but not JSON`, field);
  }
}

/** The short type name of an envelope: `type`, else the last segment of `qualified_name` (never imported). */
function typeNameOf(env: Record<string, unknown>): string | undefined {
  if (typeof env.type === "string") return env.type;
  if (typeof env.qualified_name === "string") return env.qualified_name.split(".").pop();
  return undefined;
}

/**
 * Whether a start payload is an envelope (`{type, value}`) rather than the start event's bare
 * fields: only envelope keys, a value and a type. A start event whose own fields are `type` and
 * `value` is read as bare fields unless `type` names the start event.
 */
function isEnvelope(w: ServedWorkflow, obj: Record<string, unknown>): boolean {
  const keys = Object.keys(obj);
  if (keys.length === 0 || !keys.every((k) => ENVELOPE_KEYS.has(k))) return false;
  if (!("value" in obj || "data" in obj) || typeNameOf(obj) === undefined) return false;
  const name = typeNameOf(obj);
  if (name === w.definition.startEvent.typeName || name === "StartEvent") return true;
  const own = Object.keys(w.definition.startEvent.schema instanceof Object && "shape" in w.definition.startEvent.schema ? (w.definition.startEvent.schema as { shape: object }).shape : {});
  return !keys.every((k) => own.includes(k));
}

function fieldsOf(env: Record<string, unknown>, field: string): Record<string, unknown> {
  const raw = unstring("value" in env ? env.value : env.data, `${field}.value`);
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new ClientError(400, `${field}.value must be an object of the event's fields`, `${field}.value`);
  return raw as Record<string, unknown>;
}

function validate(cls: EventClass, fields: Record<string, unknown>, field: string): void {
  const parsed = cls.schema.safeParse(fields);
  if (parsed.success) return;
  const issues = parsed.error.issues.map((i) => ({ field: [field, ...i.path.map(String)].join("."), message: i.message }));
  const first = issues[0]!;
  throw new ClientError(400, `Invalid ${cls.typeName} in '${field}': ${first.field}: ${first.message}`, first.field, { issues });
}

/** The start event's fields from a run body's `start_event` (bare fields, an envelope, or either as JSON text) or `kwargs`. */
export function startInput(w: ServedWorkflow, body: Record<string, unknown>): Record<string, unknown> {
  const start = w.definition.startEvent;
  let fields: Record<string, unknown>;
  let field = "start_event";
  const given = unstring(body.start_event, "start_event");
  if (given === undefined || given === null) {
    field = "kwargs";
    const kwargs = body.kwargs ?? {};
    if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) throw new ClientError(400, "kwargs must be an object of the start event's fields", "kwargs");
    fields = kwargs as Record<string, unknown>;
  } else {
    if (typeof given !== "object" || Array.isArray(given)) throw new ClientError(400, "start_event must be an object: the start event's fields, or {type, value}", "start_event");
    const obj = given as Record<string, unknown>;
    if (isEnvelope(w, obj)) {
      const name = typeNameOf(obj);
      if (name !== start.typeName && name !== "StartEvent") {
        throw new ClientError(400, `start_event.type is ${JSON.stringify(name)}; ${w.name} starts with ${start.typeName}`, "start_event.type");
      }
      fields = fieldsOf(obj, "start_event");
    } else fields = obj;
  }
  validate(start, fields, field);
  return fields;
}

/** The event class and fields of a send body's `event` (envelope, JSON text, legacy `data`, `qualified_name` form). */
export function sentEvent(w: ServedWorkflow, body: Record<string, unknown>): { cls: EventClass; fields: Record<string, unknown> } {
  const raw = unstring(body.event, "event");
  if (raw === undefined || raw === null) throw new ClientError(400, "Event data is required", "event");
  if (typeof raw !== "object" || Array.isArray(raw)) throw new ClientError(400, "event must be an object {type, value}", "event");
  const env = raw as Record<string, unknown>;
  const name = typeNameOf(env);
  const accepted = `Expected one of ${w.sendable.join(", ")}`;
  if (name === undefined) throw new ClientError(400, `event.type is required. ${accepted}`, "event.type", { accepted: w.sendable });
  const cls = w.events.get(name);
  if (cls === undefined || !w.sendable.includes(name)) {
    const why = cls?.kind === "stop" ? " (a stop event ends a run; only a step may return one)" : cls?.kind === "start" ? " (a start event only starts a run)" : cls !== undefined ? " (no step of this workflow accepts it)" : "";
    throw new ClientError(400, `Invalid event type: ${name}${why}. ${accepted}`, "event.type", { accepted: w.sendable });
  }
  const fields = fieldsOf(env, "event");
  validate(cls, fields, "event.value");
  return { cls, fields };
}
