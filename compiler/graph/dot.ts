// Output a Graphviz digraph:
//   digraph "JokeFlow" {
//     "start:JokeRequested" [label="JokeRequested", shape=oval];
//     "step:generate_joke" -> "step:critique_joke" [label="JokeWritten"];
//     "step:step1" -> "step:step2" [label="InputRequiredEvent → HumanResponseEvent", style=dashed];   (human in the loop)
//   }

import type { SpecModel } from "../model.js";
import { printable } from "../text.js";
import { buildFlowGraph, type FlowGraph, type FlowGraphOptions, type GraphEdge, type GraphNode } from "./flow-graph.js";

/**
 * Renders the spec's event graph in Graphviz DOT (ends with a newline); pipe it to `dot -Tsvg`.
 *
 * @example
 * renderDot(model);   // 'digraph "JokeFlow" {\n  rankdir=TB;\n ...'
 */
export function renderDot(model: SpecModel, options: FlowGraphOptions = {}): string {
  return printDot(buildFlowGraph(model, options));
}

export function printDot(graph: FlowGraph): string {
  const lines = [`digraph ${quoteDot(graph.workflow)} {`, "  rankdir=TB;", '  node [shape=box, style=rounded, fontname="Helvetica"];', '  edge [fontname="Helvetica"];'];
  // A comment line per error that belongs to no step (escaped: it cannot end the comment early).
  for (const problem of graph.problems ?? []) lines.push(`  // error ${printable(problem)}`);
  for (const node of graph.nodes) lines.push(`  ${dotNode(node)};`);
  for (const edge of graph.edges) lines.push(`  ${dotEdge(edge)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** A DOT quoted string: backslashes and quotes escaped, line breaks as `\n`, other controls dropped. */
export function quoteDot(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(/[\u0000-\u001f\u007f]/g, " ");
  return `"${escaped}"`;
}

function attributes(entries: Record<string, string | undefined>): string {
  const list = Object.entries(entries)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return list.length === 0 ? "" : ` [${list.join(", ")}]`;
}

function dotNode(node: GraphNode): string {
  const tooltip = node.description === undefined ? undefined : quoteDot(node.description);
  switch (node.kind) {
    case "start":
      return `${quoteDot(node.key)}${attributes({ label: quoteDot(node.event), shape: "oval", style: "filled", fillcolor: '"#e8f5e9"', tooltip })}`;
    case "stop":
      return `${quoteDot(node.key)}${attributes({ label: quoteDot(node.event), shape: "doublecircle", style: "filled", fillcolor: '"#ffebee"', tooltip })}`;
    case "step": {
      let label = node.description === undefined ? node.step : `${node.step}\n${node.description}`;
      if (node.broken === undefined) return `${quoteDot(node.key)}${attributes({ label: quoteDot(label) })}`;
      label += `\nerror: ${node.broken.join(", ")}`;
      return `${quoteDot(node.key)}${attributes({ label: quoteDot(label), style: '"rounded,dashed"', color: "red", fontcolor: "red" })}`;
    }
  }
}

function dotEdge(edge: GraphEdge): string {
  const head = `${quoteDot(edge.from)} -> ${quoteDot(edge.to)}`;
  switch (edge.kind) {
    case "start":
    case "stop":
      return head;
    case "event":
      return `${head}${attributes({ label: quoteDot(edge.event) })}`;
    case "human":
      return `${head}${attributes({ label: quoteDot(`${edge.request} → ${edge.response}`), style: "dashed" })}`;
  }
}
