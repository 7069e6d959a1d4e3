// Events as JSON, and building the start event: one codec for context snapshots (serialize.ts), the
// journal's ticks (tick-codec.ts) and every runtime (memory, SQLite, DBOS). Events travel as
// `{ type, data }` with their stable type name, so reviving never depends on which module loaded
// first, and a type the workflow does not know is a `JournalMismatchError`, never a silently
// different event.

import type { WorkflowDefinition } from "./definition.js";
import { JournalMismatchError } from "./errors.js";
import { Event, eventClassOf } from "./event.js";
import type { RunEnv } from "./routing.js";
import type { SerializedEvent } from "./serialize.js";
import { asError } from "./thrown.js";
import { checkEvent } from "./validate.js";

/** An event as `{ type, data }`. */
export function encodeEvent(ev: Event): SerializedEvent {
  return { type: eventClassOf(ev).typeName, data: ev.toJSON() };
}

/** Revives an event through the workflow's event table; validates it against its schema. */
export function decodeEvent(env: RunEnv, json: SerializedEvent): Event {
  if (json === null || typeof json !== "object" || typeof json.type !== "string") {
    throw new TypeError(`Not a serialized event: ${JSON.stringify(json)?.slice(0, 80)}`);
  }
  const cls = env.events.get(json.type);
  if (cls === undefined) throw new JournalMismatchError(`Workflow ${env.workflow} has no event type "${json.type}"`, [json.type]);
  const ev = new cls(json.data ?? {});
  const error = checkEvent(ev);
  if (error !== null) throw error;
  return ev;
}

/** The start event for `input` (its fields, or a start event instance), validated; or the error that prevents it. */
export function startEventOf(definition: WorkflowDefinition, input: unknown): Event | Error {
  let ev: Event;
  try {
    ev = input instanceof Event ? input : new definition.startEvent(input ?? {});
  } catch (error) {
    return asError(error);
  }
  return checkEvent(ev) ?? ev;
}
