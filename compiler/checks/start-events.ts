// `multiple-start-events`: a spec has exactly one start event, its own `kind: start` event or else
// StartEvent. Every declared start event after the first is an error.

import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { SpecModel } from "../model.js";
import { quote } from "../text.js";
import { isDeclared } from "../graph/event-table.js";

export function checkStartEvents(model: SpecModel, file?: string): Diagnostic[] {
  const [first, ...others] = model.events.filter((event) => event.kind === "start" && isDeclared(event));
  return others.map((event) => {
    const message = `event ${quote(event.name)} is a second start event: ${quote(first!.name)} already is, and a workflow has exactly one`;
    return diagnostic("multiple-start-events", message, event.span, file);
  });
}
