// Property: on random event graphs (mostly broken ones), the checker's graph verdict agrees with an
// independent reference implementation (support/graph-gen.ts): the same set of (code, name) pairs,
// where the checker's name is read from the diagnostic's position in the YAML.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { runs, SEED, timeout } from "./support/fuzz-config.js";
import { analyze } from "../../compiler/analyze.js";
import { checkerVerdict, randomGraph, referenceVerdict, type RandomGraph } from "./support/graph-gen.js";

const GRAPH_RUNS = runs(400);

function verdicts(graph: RandomGraph): { expected: string[]; actual: string[] } {
  const { diagnostics } = analyze(graph.yaml, { path: "graph.yaml" });
  return { expected: [...referenceVerdict(graph)].sort(), actual: [...checkerVerdict(graph.yaml, diagnostics)].sort() };
}

describe("graph checks against a reference implementation", () => {
  test(`${GRAPH_RUNS} random graphs: same codes, same names`, { timeout: timeout(60_000) }, () => {
    fc.assert(
      fc.property(randomGraph(), (graph) => {
        const { expected, actual } = verdicts(graph);
        expect(actual, graph.yaml).toEqual(expected);
      }),
      { seed: SEED, numRuns: GRAPH_RUNS, endOnFailure: true },
    );
  });

  test("the generator covers every graph verdict (so the property means something)", () => {
    const seen = new Map<string, number>();
    for (const graph of fc.sample(randomGraph(), { seed: 42, numRuns: 400 })) {
      const codes = new Set([...referenceVerdict(graph)].map((key) => key.slice(0, key.indexOf(":"))));
      if (codes.size === 0) seen.set("valid", (seen.get("valid") ?? 0) + 1);
      for (const code of codes) seen.set(code, (seen.get(code) ?? 0) + 1);
    }
    for (const code of [
      "valid", "no-start-step", "unreachable-step", "unconsumed-event", "unproduced-event", "accepts-stop-event",
      "routed-stream-event", "no-stop-path", "dead-end-step", "unused-event", "multiple-start-events",
      "wrong-start-event", "no-human-response-step",
    ]) {
      expect(seen.get(code) ?? 0, code).toBeGreaterThanOrEqual(3);
    }
  });

  test("the reference itself, on a hand-checked graph", () => {
    const graph: RandomGraph = {
      workflow: "Graph",
      events: [
        { name: "E0", kind: "event" },
        { name: "E1", kind: "stop" },
        { name: "E2", kind: "input_required" },
        { name: "E3", kind: "human_response" },
      ],
      steps: [
        { name: "ask", accepts: ["StartEvent"], emits: ["E2", "E0"] },
        { name: "answer", accepts: ["E3"], emits: ["E1"] },
        { name: "loop", accepts: ["E0"], emits: ["E0"] },
      ],
      yaml: "",
    };
    // `loop` only feeds itself: a trap cycle. `ask` reaches E1 through a person answering E2.
    expect([...referenceVerdict(graph)]).toEqual(["dead-end-step:loop"]);
  });
});
