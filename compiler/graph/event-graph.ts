// The event graph as plain data, built once per spec: the checks (reachability, dead ends) and both
// renderers (flow-graph.ts → mermaid.ts, dot.ts) read this one graph, so the routing rules live here only. Steps and events are both nodes, so a
// step that emits an event many steps accept costs one edge per mention, not one per pair: building
// and walking the graph is linear in the size of the spec.
//
//   step ──emits──▶ event ──accepted by──▶ step
//   input_required event ──▶ (a human answers) ──▶ every human_response event
//
// Every built-in has a node whether or not the spec names it; an unknown name counts as its
// did-you-mean suggestion (see event-table.ts). Stream events are never routed, so they have no node,
// and a stop event leads nowhere (the run ends), so it has no outgoing edges.

import type { EventKind, SpecModel } from "../model.js";
import { isDeclared, type EventTable } from "./event-table.js";

export interface EventGraph {
  /** Node `i < stepCount` is `model.steps[i]`. */
  stepCount: number;
  /** Routed events (every kind but `stream`) → node id. */
  eventNodes: ReadonlyMap<string, number>;
  /** Node id − stepCount → that event's name and kind (the inverse of `eventNodes`). */
  eventsByNode: readonly { name: string; kind: EventKind }[];
  /** The node standing for a person answering an `input_required` event. */
  humanNode: number;
  successors: readonly (readonly number[])[];
  predecessors: readonly (readonly number[])[];
  /** The run's entry points: the start event, plus any extra `kind: start` event the spec declares
   * (reported as `multiple-start-events`, but followed so its steps are not also called unreachable). */
  roots: readonly number[];
  /** Nodes of stop events: a run that gets to one has finished. */
  stops: readonly number[];
}

export function buildEventGraph(model: SpecModel, events: EventTable): EventGraph {
  const stepCount = model.steps.length;
  const routed = [...events.kindOf].filter(([, kind]) => kind !== "stream");
  const eventNodes = new Map(routed.map(([name], index) => [name, stepCount + index]));
  const humanNode = stepCount + routed.length;
  const successors: number[][] = Array.from({ length: humanNode + 1 }, () => []);
  const predecessors: number[][] = Array.from({ length: humanNode + 1 }, () => []);
  const link = (from: number, to: number) => {
    successors[from]!.push(to);
    predecessors[to]!.push(from);
  };
  const nodeOf = (name: string) => {
    const resolved = events.resolve(name);
    return resolved === undefined ? undefined : eventNodes.get(resolved);
  };

  model.steps.forEach((step, stepNode) => {
    for (const ref of step.emits) {
      const eventNode = nodeOf(ref.name);
      if (eventNode !== undefined) link(stepNode, eventNode);
    }
    for (const ref of step.accepts) {
      const eventNode = nodeOf(ref.name);
      if (eventNode !== undefined && events.kindOf.get(events.resolve(ref.name)!) !== "stop") link(eventNode, stepNode);
    }
  });
  for (const [name, kind] of routed) {
    if (kind === "input_required") link(eventNodes.get(name)!, humanNode);
    if (kind === "human_response") link(humanNode, eventNodes.get(name)!);
  }

  const declaredStarts = model.events.filter((event) => event.kind === "start" && isDeclared(event)).map((event) => event.name);
  const roots = [...new Set([model.startEvent, ...declaredStarts])].flatMap((name) => {
    const node = eventNodes.get(name);
    return node === undefined ? [] : [node];
  });
  const stops = routed.filter(([, kind]) => kind === "stop").map(([name]) => eventNodes.get(name)!);
  const eventsByNode = routed.map(([name, kind]) => ({ name, kind }));
  return { stepCount, eventNodes, eventsByNode, humanNode, successors, predecessors, roots, stops };
}

/** Marks every node reachable from `starts` along `edges` (iterative: no recursion on deep graphs). */
export function markReachable(edges: readonly (readonly number[])[], starts: Iterable<number>): Uint8Array {
  const marked = new Uint8Array(edges.length);
  const stack: number[] = [];
  for (const start of starts) {
    if (marked[start]) continue;
    marked[start] = 1;
    stack.push(start);
  }
  while (stack.length > 0) {
    for (const next of edges[stack.pop()!]!) {
      if (marked[next]) continue;
      marked[next] = 1;
      stack.push(next);
    }
  }
  return marked;
}
