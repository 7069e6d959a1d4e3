// Warnings for declarations nothing uses: `unused-event`, `unused-resource`, `unused-type`.
// Stream events are exempt (steps write them to the stream; no step names them), and so is the
// start event, whose absence of a step is the error `no-start-step`. A misspelled mention counts as
// a use of the name its "did you mean" suggests: the typo is already an error, one is enough.

import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { FieldModel, SpecModel } from "../model.js";
import { namedRefs, PRIMITIVES } from "../type-grammar.js";
import { quote } from "../text.js";
import { isDeclared, type EventTable } from "../graph/event-table.js";
import { suggester } from "../suggest.js";

export function checkUnused(model: SpecModel, events: EventTable, file?: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const namedEvents = new Set(model.steps.flatMap((step) => [...step.accepts, ...step.emits].map((ref) => events.resolve(ref.name))));
  for (const event of model.events) {
    if (!isDeclared(event) || event.kind === "stream" || event.name === model.startEvent || namedEvents.has(event.name)) continue;
    diagnostics.push(diagnostic("unused-event", `event ${quote(event.name)} is declared but no step emits or accepts it`, event.span, file));
  }

  const resourceNames = new Set(model.resources.map((resource) => resource.name));
  const suggestResource = suggester(resourceNames);
  const meantResource = (name: string) => (resourceNames.has(name) ? name : suggestResource(name));
  const usedResources = new Set(model.steps.flatMap((step) => step.resources.map((ref) => meantResource(ref.name))));
  for (const resource of model.resources) {
    if (usedResources.has(resource.name)) continue;
    diagnostics.push(diagnostic("unused-resource", `resource ${quote(resource.name)} is declared but no step uses it`, resource.span, file));
  }

  const usedTypes = typesInUse(model);
  for (const type of model.types) {
    // A type a field imports inline is used by that field.
    if (usedTypes.has(type.name) || type.inlineIn !== undefined) continue;
    diagnostics.push(diagnostic("unused-type", `type ${quote(type.name)} is declared but no event, state field or used type refers to it`, type.span, file));
  }
  return diagnostics;
}

/** Types reachable from the fields of events and state; a type only its own fields mention is unused. */
function typesInUse(model: SpecModel): Set<string> {
  const fieldsOf = new Map(model.types.map((type) => [type.name, type.fields]));
  const suggestType = suggester([...PRIMITIVES, ...fieldsOf.keys()]);
  const used = new Set<string>();
  const pending: FieldModel[] = [...model.state, ...model.events.flatMap((event) => event.fields)];
  while (pending.length > 0) {
    for (const ref of namedRefs(pending.pop()!.type)) {
      const name = fieldsOf.has(ref.name) ? ref.name : suggestType(ref.name);
      if (name === undefined || used.has(name) || !fieldsOf.has(name)) continue;
      used.add(name);
      pending.push(...fieldsOf.get(name)!);
    }
  }
  return used;
}
