// Graph rendering: the spec's event graph as plain data, printed as Mermaid or Graphviz DOT.

export { buildFlowGraph, nodeKey, type FlowGraph, type FlowGraphOptions, type GraphEdge, type GraphNode } from "./flow-graph.js";
export { escapeMermaid, mermaidId, printMermaid, renderMermaid } from "./mermaid.js";
export { printDot, quoteDot, renderDot } from "./dot.js";

/** The formats `flowspec graph --format` accepts. */
export const GRAPH_FORMATS = ["mermaid", "dot"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];
