// The drawing of a spec's event graph: a start node, one node per step, one node per stop event a step
// emits, and an edge per way an event travels. It is read off the one event graph (event-graph.ts) the
// checks use, so drawing and checking cannot disagree on the routing rules. Renderers (mermaid.ts,
// dot.ts) only print it. Order is the spec's, so the same spec always draws the same graph. Building
// it is linear in the spec plus the edges drawn.

import type { Diagnostic } from "../diagnostics.js";
import type { EventModel, SpecModel } from "../model.js";
import { buildEventGraph, type EventGraph } from "./event-graph.js";
import { buildEventTable } from "./event-table.js";

export type GraphNode =
  /** The run's entry: the spec's single start event. */
  | { kind: "start"; key: string; event: string; description?: string }
  /** `broken`: the codes of the errors found in this step (drawn dashed and red). */
  | { kind: "step"; key: string; step: string; description?: string; broken?: string[] }
  /** A stop event some step emits: the run ends there. */
  | { kind: "stop"; key: string; event: string; description?: string };

export type GraphEdge =
  /** The start event reaching a step that accepts it. */
  | { kind: "start"; from: string; to: string; event: string }
  /** A step emitting an event that another step (or itself) accepts. */
  | { kind: "event"; from: string; to: string; event: string }
  /** A step emitting a stop event. */
  | { kind: "stop"; from: string; to: string; event: string }
  /** Human in the loop: an `input_required` event answered by a `human_response` event. */
  | { kind: "human"; from: string; to: string; request: string; response: string };

export interface FlowGraph {
  workflow: string;
  description?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Errors that belong to no step (`no-stop-path`, a second start event, …), as `code: message`;
   * the renderers print them as comments. Absent when there are none. */
  problems?: string[];
}

export interface FlowGraphOptions {
  /** The spec's diagnostics: each error is drawn on the step it points into, or listed in `problems`.
   * A spec with errors can still be drawn: that is when its author most wants to see it. */
  diagnostics?: readonly Diagnostic[];
}

/** Renderer-neutral node keys: unique across kinds, since each kind has its own prefix. */
export const nodeKey = {
  start: (event: string) => `start:${event}`,
  step: (step: string) => `step:${step}`,
  stop: (event: string) => `stop:${event}`,
};

/**
 * Builds the drawing from a model. Every edge is one the runtime can take; `stream` events are never
 * routed, so they do not appear. Only names the spec spells right are drawn (a misspelled event is an
 * error, not an edge).
 *
 * @example
 * const { model } = analyze(source, { path });
 * const graph = buildFlowGraph(model!);   // graph.edges[0] = { kind: "start", from: "start:JokeRequested", ... }
 */
export function buildFlowGraph(model: SpecModel, options: FlowGraphOptions = {}): FlowGraph {
  const graph = buildEventGraph(model, buildEventTable(model));
  const events = new Map<string, EventModel>(model.events.map((event) => [event.name, event]));
  const eventAt = (node: number) => graph.eventsByNode[node - graph.stepCount]!;
  const stepKey = (node: number) => nodeKey.step(model.steps[node]!.name);
  /** The steps an event node leads to (not the human node). */
  const acceptors = (eventNode: number) => graph.successors[eventNode]!.filter((node) => node < graph.stepCount);

  const nodes: GraphNode[] = [
    { kind: "start", key: nodeKey.start(model.startEvent), event: model.startEvent, ...describe(events.get(model.startEvent)?.description) },
    ...model.steps.map((step): GraphNode => ({ kind: "step", key: nodeKey.step(step.name), step: step.name, ...describe(step.description) })),
  ];
  const problems = markBroken(model, nodes, options.diagnostics ?? []);
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (edge: GraphEdge) => {
    const id = JSON.stringify(edge);
    if (!seen.has(id)) {
      seen.add(id);
      edges.push(edge);
    }
  };

  const startNode = graph.eventNodes.get(model.startEvent);
  if (startNode !== undefined) {
    for (const target of acceptors(startNode)) add({ kind: "start", from: nodeKey.start(model.startEvent), to: stepKey(target), event: model.startEvent });
  }

  // Who takes a person's answer: each step accepting a human_response event, with that event. Built
  // once; each step asking a question draws one edge per answer taker.
  const responders = model.steps.flatMap((step) =>
    step.accepts.filter((ref) => graph.eventNodes.has(ref.name) && kindOf(graph, ref.name) === "human_response").map((ref) => ({ step: step.name, response: ref.name })),
  );
  const stops = new Set<string>();
  model.steps.forEach((step, stepNode) => {
    const from = stepKey(stepNode);
    for (const { name } of step.emits) {
      const eventNode = graph.eventNodes.get(name);
      if (eventNode === undefined) continue; // unknown or a stream event: nothing to draw
      const { kind } = eventAt(eventNode);
      if (kind === "stop") {
        stops.add(name);
        add({ kind: "stop", from, to: nodeKey.stop(name), event: name });
        continue;
      }
      for (const target of acceptors(eventNode)) add({ kind: "event", from, to: stepKey(target), event: name });
      if (kind === "input_required") for (const { step: target, response } of responders) add({ kind: "human", from, to: nodeKey.step(target), request: name, response });
    }
  });

  // Stop nodes in the model's event order (declared first, then built-ins), not in discovery order.
  for (const event of model.events) {
    if (stops.has(event.name)) nodes.push({ kind: "stop", key: nodeKey.stop(event.name), event: event.name, ...describe(event.description) });
  }
  return { workflow: model.workflow, nodes, edges, ...describe(model.description), ...(problems.length > 0 ? { problems } : {}) };
}

/**
 * Marks each step an error points into (its key, or a name in its accepts, emits or resources) as
 * broken; returns the errors that point at no step. `nodes[i + 1]` is `model.steps[i]`.
 */
function markBroken(model: SpecModel, nodes: GraphNode[], diagnostics: readonly Diagnostic[]): string[] {
  const stepAt = new Map<string, number>();
  model.steps.forEach((step, index) => {
    for (const span of [step.span, ...step.accepts.map((r) => r.span), ...step.emits.map((r) => r.span), ...step.resources.map((r) => r.span)]) {
      stepAt.set(`${span.line}:${span.column}`, index);
    }
  });
  const problems: string[] = [];
  for (const d of diagnostics) {
    if (d.severity !== "error") continue;
    const index = stepAt.get(`${d.line}:${d.column}`);
    const node = index === undefined ? undefined : nodes[index + 1];
    if (node?.kind !== "step") {
      problems.push(`${d.code}: ${d.message}`);
      continue;
    }
    node.broken = [...new Set([...(node.broken ?? []), d.code])];
  }
  return problems;
}

function kindOf(graph: EventGraph, name: string) {
  return graph.eventsByNode[graph.eventNodes.get(name)! - graph.stepCount]!.kind;
}

/** `{ description }` when there is one worth showing, else nothing. */
function describe(description: string | undefined): { description?: string } {
  const text = description?.trim();
  return text ? { description: text } : {};
}
