// Where a run can go: `no-start-step`, `unreachable-step`, `no-stop-path`, `dead-end-step`.
// Each check stands back when an earlier finding already explains it: without a start step every
// step is unreachable, without a stop path every step is a dead end, and a step whose own
// `accepts`/`emits` are in error is not reported again for the consequence.

import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { SpecModel } from "../model.js";
import { quote } from "../text.js";
import { markReachable, type EventGraph } from "../graph/event-graph.js";
import type { RoutingResult } from "./routing.js";

export function checkReachability(model: SpecModel, graph: EventGraph, routing: RoutingResult, file?: string): Diagnostic[] {
  const start = model.events.find((event) => event.name === model.startEvent);
  const startName = quote(model.startEvent);
  const startNode = graph.eventNodes.get(model.startEvent);
  if (startNode === undefined || graph.successors[startNode]!.length === 0) {
    const message = `no step accepts the start event ${startName}, so a run of ${quote(model.workflow)} has nowhere to begin`;
    return [diagnostic("no-start-step", message, start?.span ?? model.workflowSpan, file)];
  }

  const diagnostics: Diagnostic[] = [];
  const reached = markReachable(graph.successors, graph.roots);
  model.steps.forEach((step, index) => {
    if (reached[index] || routing.stepsWithBrokenAccepts.has(index)) return;
    const message = `step ${quote(step.name)} is unreachable: no path leads to it from the start event ${startName}`;
    diagnostics.push(diagnostic("unreachable-step", message, step.span, file));
  });

  if (!graph.stops.some((node) => reached[node])) {
    const message = `no step reachable from the start event ${startName} emits a stop event, so a run of ${quote(model.workflow)} can never finish`;
    diagnostics.push(diagnostic("no-stop-path", message, model.workflowSpan, file));
    return diagnostics;
  }

  const canFinish = markReachable(graph.predecessors, graph.stops);
  model.steps.forEach((step, index) => {
    if (!reached[index] || canFinish[index] || routing.stepsWithBrokenEmits.has(index)) return;
    const why = step.emits.length === 0 ? "it emits nothing" : "every path from it stays away from a stop event";
    const message = `step ${quote(step.name)} is a dead end: no stop event can be reached from it (${why})`;
    diagnostics.push(diagnostic("dead-end-step", message, step.span, file));
  });
  return diagnostics;
}
