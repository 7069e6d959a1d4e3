// `unknown-event`, `unknown-resource`, `unknown-type`: every name a step or a field refers to must
// be declared (or built in), with a "did you mean" for near misses.

import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { FieldModel, SpecModel } from "../model.js";
import { namedRefs, PRIMITIVES } from "../type-grammar.js";
import { quote } from "../text.js";
import type { EventTable } from "../graph/event-table.js";
import { suggester } from "../suggest.js";

/** ` (did you mean 'x'?)`, or nothing. */
function hint(suggestion: string | undefined): string {
  return suggestion === undefined ? "" : ` (did you mean ${quote(suggestion)}?)`;
}

export function checkReferences(model: SpecModel, events: EventTable, file?: string): Diagnostic[] {
  return [...checkStepReferences(model, events, file), ...checkTypeReferences(model, file)];
}

function checkStepReferences(model: SpecModel, events: EventTable, file?: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const resourceNames = new Set(model.resources.map((resource) => resource.name));
  const suggestResource = suggester(resourceNames);
  for (const step of model.steps) {
    for (const [verb, refs] of [["accepts", step.accepts], ["emits", step.emits]] as const) {
      for (const ref of refs) {
        const meant = events.resolve(ref.name);
        if (meant === ref.name) continue;
        // The suggestion is the event the graph checks then assume, so the two always agree.
        const message = `step ${quote(step.name)} ${verb} unknown event ${quote(ref.name)}${hint(meant)}`;
        diagnostics.push(diagnostic("unknown-event", message, ref.span, file));
      }
    }
    for (const ref of step.resources) {
      if (resourceNames.has(ref.name)) continue;
      const message = `step ${quote(step.name)} uses unknown resource ${quote(ref.name)}${hint(suggestResource(ref.name))}`;
      diagnostics.push(diagnostic("unknown-resource", message, ref.span, file));
    }
  }
  return diagnostics;
}

function checkTypeReferences(model: SpecModel, file?: string): Diagnostic[] {
  const typeNames = new Set(model.types.map((type) => type.name));
  const eventNames = new Set(model.events.map((event) => event.name));
  const suggestType = suggester([...PRIMITIVES, ...typeNames]);
  const diagnostics: Diagnostic[] = [];
  const checkFields = (fields: readonly FieldModel[], owner: string) => {
    for (const field of fields) {
      for (const ref of namedRefs(field.type)) {
        if (typeNames.has(ref.name)) continue;
        const why = eventNames.has(ref.name) ? ` (${quote(ref.name)} is an event; fields take types from 'types')` : hint(suggestType(ref.name));
        const message = `field ${quote(field.name)} of ${owner} has unknown type ${quote(ref.name)}${why}`;
        diagnostics.push(diagnostic("unknown-type", message, ref.span, file));
      }
    }
  };
  for (const type of model.types) checkFields(type.fields, `type ${quote(type.name)}`);
  checkFields(model.state, "state");
  for (const event of model.events) checkFields(event.fields, `event ${quote(event.name)}`);
  return diagnostics;
}
