// Output a Mermaid flowchart:
//   flowchart TD
//     start_JokeRequested(["JokeRequested"]) --> step_generate_joke["generate_joke<br/>Asks…"]
//     step_generate_joke -->|"JokeWritten"| step_critique_joke
//     step1 -.->|"InputRequiredEvent → HumanResponseEvent"| step2      (human in the loop: dotted)

import type { SpecModel } from "../model.js";
import { printable } from "../text.js";
import { buildFlowGraph, type FlowGraph, type FlowGraphOptions, type GraphEdge, type GraphNode } from "./flow-graph.js";

/**
 * Renders the spec's event graph as Mermaid text (ends with a newline).
 *
 * @example
 * renderMermaid(model);   // "---\ntitle: JokeFlow\n---\nflowchart TD\n  start_JokeRequested([\"JokeRequested\"])\n..."
 */
export function renderMermaid(model: SpecModel, options: FlowGraphOptions = {}): string {
  return printMermaid(buildFlowGraph(model, options));
}

export function printMermaid(graph: FlowGraph): string {
  // A spec with errors is drawn too, so its name may be no identifier: then it is a quoted YAML string.
  const title = /^[A-Za-z_$][\w$]*$/.test(graph.workflow) ? graph.workflow : JSON.stringify(printable(graph.workflow));
  const lines = ["---", `title: ${title}`, "---", "flowchart TD"];
  // A comment line per error that belongs to no step (escaped: it cannot end the comment early).
  for (const problem of graph.problems ?? []) lines.push(`  %% error ${printable(problem)}`);
  for (const node of graph.nodes) lines.push(`  ${mermaidNode(node)}`);
  for (const edge of graph.edges) lines.push(`  ${mermaidEdge(edge)}`);
  lines.push("  classDef startEvent fill:#e8f5e9,stroke:#2e7d32");
  lines.push("  classDef stopEvent fill:#ffebee,stroke:#c62828");
  const ofKind = (kind: GraphNode["kind"]) => graph.nodes.filter((node) => node.kind === kind).map((node) => mermaidId(node.key));
  lines.push(`  class ${ofKind("start").join(",")} startEvent`);
  const stops = ofKind("stop");
  if (stops.length > 0) lines.push(`  class ${stops.join(",")} stopEvent`);
  const broken = graph.nodes.filter((node) => node.kind === "step" && node.broken !== undefined).map((node) => mermaidId(node.key));
  if (broken.length > 0) {
    lines.push("  classDef broken fill:#fff5f5,stroke:#c62828,stroke-width:2px,stroke-dasharray:5 5");
    lines.push(`  class ${broken.join(",")} broken`);
  }
  return `${lines.join("\n")}\n`;
}

/** `step:generate_joke` → `step_generate_joke`. Keys are built from validated identifiers, so only the
 * separator needs replacing; the prefix keeps ids clear of Mermaid keywords (`end`, `graph`, ...). */
export function mermaidId(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * Makes text safe inside a quoted Mermaid label: every character outside a plain set becomes an entity
 * code (`#34;`), so quotes, `#`, `%%`, `<`, `|` or backticks in a description cannot break the chart or
 * inject markup. Line breaks become `<br/>`.
 */
export function escapeMermaid(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => Array.from(line, (char) => (/^[\p{L}\p{N} _\-.,:;!?()'/+=*@$~[\]{}^]$/u.test(char) ? char : `#${char.codePointAt(0)};`)).join(""))
    .join("<br/>");
}

function mermaidNode(node: GraphNode): string {
  const id = mermaidId(node.key);
  switch (node.kind) {
    case "start":
      return `${id}(["${escapeMermaid(node.event)}"])`;
    case "stop":
      return `${id}((("${escapeMermaid(node.event)}")))`;
    case "step": {
      let label = node.description === undefined ? escapeMermaid(node.step) : `${escapeMermaid(node.step)}<br/>${escapeMermaid(node.description)}`;
      if (node.broken !== undefined) label += `<br/>${escapeMermaid(`error: ${node.broken.join(", ")}`)}`;
      return `${id}["${label}"]`;
    }
  }
}

function mermaidEdge(edge: GraphEdge): string {
  const from = mermaidId(edge.from);
  const to = mermaidId(edge.to);
  switch (edge.kind) {
    case "start":
    case "stop":
      return `${from} --> ${to}`;
    case "event":
      return `${from} -->|"${escapeMermaid(edge.event)}"| ${to}`;
    case "human":
      return `${from} -.->|"${escapeMermaid(edge.request)} → ${escapeMermaid(edge.response)}"| ${to}`;
  }
}
