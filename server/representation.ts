// GET /workflows/{name}/representation: the workflow's graph in the reference's shape: a node per
// step and per event (with its schema and the steps that produce it), edges event → step → event,
// and an `external_step` node between an input request and the human's answer.

import type { EventClass } from "../runtime/index.js";
import { typesOf } from "./envelope.js";
import { eventSchema, type ServedWorkflow } from "./workflows.js";

/** `/workflows/{name}/representation`: the reference's graph shape (steps, events, an external node for humans). */
export function representation(w: ServedWorkflow) {
  const nodes: Record<string, unknown>[] = [];
  const edges: { source: string; target: string; label: null }[] = [];
  const producedBy = (cls: EventClass) => w.definition.steps.filter((s) => s.emits.includes(cls)).map((s) => s.name);
  const eventNode = (cls: EventClass) => ({
    id: cls.typeName,
    label: cls.typeName,
    node_type: "event",
    event_type: cls.typeName,
    event_types: [cls.typeName, ...(typesOf(cls) ?? [])],
    event_schema: eventSchema(cls),
    produced_by: producedBy(cls),
  });
  const seen = new Set<string>();
  for (const step of w.definition.steps) {
    nodes.push({ id: step.name, label: step.name, node_type: "step", description: null });
    for (const cls of [...step.accepts, ...step.emits]) {
      if (seen.has(cls.typeName)) continue;
      seen.add(cls.typeName);
      nodes.push(eventNode(cls));
    }
    for (const cls of step.accepts) edges.push({ source: cls.typeName, target: step.name, label: null });
    for (const cls of step.emits) edges.push({ source: step.name, target: cls.typeName, label: null });
  }
  const asks = [...w.events.values()].filter((c) => c.kind === "input_required" && seen.has(c.typeName));
  const answers = [...w.events.values()].filter((c) => c.kind === "human_response" && seen.has(c.typeName));
  if (asks.length > 0) {
    nodes.push({ id: "external_step", label: "external_step", node_type: "external" });
    for (const cls of asks) edges.push({ source: cls.typeName, target: "external_step", label: null });
    for (const cls of answers) edges.push({ source: "external_step", target: cls.typeName, label: null });
  }
  return { graph: { name: w.definition.name, nodes, edges, description: null } };
}
