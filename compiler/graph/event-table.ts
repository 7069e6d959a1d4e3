// What the graph checks know about event names: each name's kind (declared events and every
// built-in), and what a step's reference means. An unknown name is reported once, as
// `unknown-event` with a "did you mean"; every other check reads it as that suggestion, so one
// typo does not also make an event unproduced, a step unreachable and another a dead end.

import { BUILTIN_EVENTS, type EventKind, type EventModel, type SpecModel } from "../model.js";
import { suggester } from "../suggest.js";

export interface EventTable {
  /** Declared events and all four built-ins, whether the spec names them or not. */
  kindOf: ReadonlyMap<string, EventKind>;
  /** The event a reference means: the name itself when known, else its closest known name, else undefined. */
  resolve(name: string): string | undefined;
}

export function buildEventTable(model: SpecModel): EventTable {
  const kindOf = new Map<string, EventKind>(model.events.map((event) => [event.name, event.kind]));
  for (const [name, builtin] of Object.entries(BUILTIN_EVENTS)) if (!kindOf.has(name)) kindOf.set(name, builtin.kind);
  const suggest = suggester(kindOf.keys());
  return { kindOf, resolve: (name) => (kindOf.has(name) ? name : suggest(name)) };
}

/** Declared in `events:` (every non-built-in is; a built-in only when the spec redeclares it). */
export function isDeclared(event: EventModel): boolean {
  return event.declared ?? !event.builtin;
}
