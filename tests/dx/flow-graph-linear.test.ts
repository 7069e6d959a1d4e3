// The drawing is read off the checks' event graph in one pass: the work grows with the spec, not with
// its square. The work is counted (reads of each step's `accepts` list), never timed: drawing used to
// scan every step's `accepts` for every event every step emits.

import { expect, test } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { buildFlowGraph } from "../../compiler/graph/index.js";
import type { NameRef } from "../../compiler/model.js";

function chain(steps: number): string {
  const lines = ["flowspec: 1", "workflow: Chain", "events:"];
  for (let i = 0; i < steps - 1; i++) lines.push(`  E${i}: { fields: { n: integer } }`);
  lines.push("steps:");
  for (let i = 0; i < steps; i++) {
    const accepts = i === 0 ? "StartEvent" : `E${i - 1}`;
    const emits = i === steps - 1 ? "StopEvent" : `E${i}`;
    lines.push(`  s${i}: { accepts: ${accepts}, emits: ${emits} }`);
  }
  return `${lines.join("\n")}\n`;
}

test("drawing a chain of 400 steps reads each step's accepts a bounded number of times", () => {
  const steps = 400;
  const { model, diagnostics } = analyze(chain(steps), { path: "chain.yaml" });
  expect(diagnostics).toEqual([]);
  let reads = 0;
  for (const step of model!.steps) {
    step.accepts = new Proxy(step.accepts, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    }) as NameRef[];
  }
  const graph = buildFlowGraph(model!);
  expect(graph.edges).toHaveLength(steps + 1);
  expect(graph.edges.at(-1)).toEqual({ kind: "stop", from: "step:s399", to: "stop:StopEvent", event: "StopEvent" });
  // A constant number of passes over each list: a few reads per step, not a few per pair of steps.
  expect(reads).toBeLessThan(50 * steps);
});
