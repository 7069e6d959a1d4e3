// The event graph of a spec as plain data: a start node, one node per step, one node per stop event
// the spec can reach, and an edge per way an event travels. Renderers (mermaid.ts, dot.ts) only
// print it. Order is the spec's, so the same spec always draws the same graph.

import type { EventModel, SpecModel } from "../model.js";

export type GraphNode =
  /** The run's entry: the spec's single start event. */
  | { kind: "start"; key: string; event: string; description?: string }
  | { kind: "step"; key: string; step: string; description?: string }
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
}

/** Renderer-neutral node keys: unique across kinds, since each kind has its own prefix. */
export const nodeKey = {
  start: (event: string) => `start:${event}`,
  step: (step: string) => `step:${step}`,
  stop: (event: string) => `stop:${event}`,
};

/**
 * Builds the graph from a checked model. Every edge is one the runtime can take; `stream` events are
 * never routed, so they do not appear.
 *
 * @example
 * const { model } = analyze(source, { path });
 * const graph = buildFlowGraph(model!);   // graph.edges[0] = { kind: "start", from: "start:JokeRequested", ... }
 */
export function buildFlowGraph(model: SpecModel): FlowGraph {
  const events = new Map<string, EventModel>(model.events.map((event) => [event.name, event]));
  const kindOf = (name: string) => events.get(name)?.kind ?? "event";
  const acceptors = (event: string) => model.steps.filter((step) => step.accepts.some((ref) => ref.name === event));

  const startEvent = events.get(model.startEvent);
  const nodes: GraphNode[] = [
    { kind: "start", key: nodeKey.start(model.startEvent), event: model.startEvent, ...describe(startEvent?.description) },
    ...model.steps.map((step): GraphNode => ({ kind: "step", key: nodeKey.step(step.name), step: step.name, ...describe(step.description) })),
  ];
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (edge: GraphEdge) => {
    const id = JSON.stringify(edge);
    if (!seen.has(id)) {
      seen.add(id);
      edges.push(edge);
    }
  };

  for (const step of acceptors(model.startEvent)) {
    add({ kind: "start", from: nodeKey.start(model.startEvent), to: nodeKey.step(step.name), event: model.startEvent });
  }

  // Steps that take a person's answer: where an `input_required` event leads (DESIGN.md, "What the compiler checks").
  const responders = model.steps.flatMap((step) =>
    step.accepts.filter((ref) => kindOf(ref.name) === "human_response").map((ref) => ({ step: step.name, response: ref.name })),
  );
  const stops = new Set<string>();
  for (const step of model.steps) {
    const from = nodeKey.step(step.name);
    for (const { name: event } of step.emits) {
      const kind = kindOf(event);
      if (kind === "stop") {
        stops.add(event);
        add({ kind: "stop", from, to: nodeKey.stop(event), event });
        continue;
      }
      for (const target of acceptors(event)) add({ kind: "event", from, to: nodeKey.step(target.name), event });
      if (kind === "input_required") {
        for (const { step: target, response } of responders) {
          add({ kind: "human", from, to: nodeKey.step(target), request: event, response });
        }
      }
    }
  }

  // Stop nodes in the model's event order (declared first, then built-ins), not in discovery order.
  for (const event of model.events) {
    if (stops.has(event.name)) {
      nodes.push({ kind: "stop", key: nodeKey.stop(event.name), event: event.name, ...describe(event.description) });
    }
  }
  return { workflow: model.workflow, nodes, edges, ...describe(model.description) };
}

/** `{ description }` when there is one worth showing, else nothing. */
function describe(description: string | undefined): { description?: string } {
  const text = description?.trim();
  return text ? { description: text } : {};
}
