// The shape of a spec version (runtime/shape.ts) from its model: what the emitter writes into the
// generated definition (`fields`), what `flowspec diff` compares, and what `flowspec runs check`
// checks journaled runs against. Built with the runtime's own `composeShape`, so the shape a spec
// gives here is the shape its generated code journals.

import type { FieldModel, SpecModel } from "./model.js";
import { formatType } from "./type-grammar.js";
import { composeShape, type FieldShape, type FieldShapes, type WorkflowShape } from "../runtime/shape.js";

/** A field as a run's data depends on it. */
export function fieldShape(field: FieldModel): FieldShape {
  const constraints = Object.fromEntries(Object.entries(field.constraints).filter(([, value]) => value !== undefined));
  return {
    name: field.name,
    type: formatType(field.type),
    ...(field.optional ? { optional: true as const } : {}),
    ...(field.hasDefault ? { default: field.default ?? null } : {}),
    ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
  };
}

/** The field shapes the generated definition carries (`WorkflowDefinition.fields`). */
export function fieldShapesOf(model: SpecModel): FieldShapes {
  return {
    events: Object.fromEntries(model.events.map((event) => [event.name, event.fields.map(fieldShape)])),
    types: Object.fromEntries(model.types.map((type) => [type.name, type.fields.map(fieldShape)])),
    state: model.state.map(fieldShape),
  };
}

/** The spec's shape, as the runtime journals it for the generated workflow. */
export function shapeOfModel(model: SpecModel): WorkflowShape {
  return composeShape({
    steps: model.steps.map((step) => ({
      name: step.name,
      accepts: step.accepts.map((ref) => ref.name),
      emits: step.emits.map((ref) => ref.name),
      workers: step.workers,
      attempts: step.retry?.attempts ?? 1,
    })),
    events: model.events.map((event) => ({ name: event.name, kind: event.kind })),
    fields: fieldShapesOf(model),
  });
}
