// Graph rendering: pure functions from the SpecModel to Mermaid and DOT text.

import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { buildFlowGraph, escapeMermaid, quoteDot, renderDot, renderMermaid } from "../../compiler/graph/index.js";
import type { SpecModel } from "../../compiler/model.js";
import { REPO } from "./support/cli-process.js";
import { run } from "../support/run-command.js";

function modelOf(path: string): SpecModel {
  const result = analyze(readFileSync(path, "utf8"), { path });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.model!;
}

function modelFrom(source: string): SpecModel {
  const result = analyze(source, { path: "inline.yaml" });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.model!;
}

describe("buildFlowGraph", () => {
  it("has the start event, every step, the stop events and an edge per routed event", () => {
    const graph = buildFlowGraph(modelOf("specs/joke.yaml"));
    expect(graph.nodes.map((node) => node.key)).toEqual([
      "start:JokeRequested",
      "step:generate_joke",
      "step:critique_joke",
      "stop:CritiqueReady",
    ]);
    expect(graph.edges).toEqual([
      { kind: "start", from: "start:JokeRequested", to: "step:generate_joke", event: "JokeRequested" },
      { kind: "event", from: "step:generate_joke", to: "step:critique_joke", event: "JokeWritten" },
      { kind: "stop", from: "step:critique_joke", to: "stop:CritiqueReady", event: "CritiqueReady" },
    ]);
  });

  it("draws every branch, loop and fan-in", () => {
    const branch = buildFlowGraph(modelOf("specs/branch.yaml"));
    expect(branch.edges.filter((edge) => edge.kind === "event").map((edge) => `${edge.from}>${edge.to}`)).toEqual([
      "step:start>step:step_a1",
      "step:start>step:step_b1",
      "step:step_a1>step:step_a2",
      "step:step_b1>step:step_b2",
    ]);
    expect(branch.nodes.filter((node) => node.kind === "stop").map((node) => node.key)).toEqual(["stop:StopEvent"]);

    const loop = buildFlowGraph(modelOf("specs/loop.yaml"));
    expect(loop.edges).toContainEqual({ kind: "event", from: "step:step_one", to: "step:step_one", event: "LoopEvent" });

    const concurrent = buildFlowGraph(modelOf("specs/concurrent.yaml"));
    expect(concurrent.edges.filter((edge) => edge.to === "step:step_three")).toHaveLength(3);
  });

  it("links input_required emitters to human_response acceptors with a human edge", () => {
    const graph = buildFlowGraph(modelOf("specs/human-in-the-loop.yaml"));
    expect(graph.edges).toContainEqual({
      kind: "human",
      from: "step:step1",
      to: "step:step2",
      request: "InputRequiredEvent",
      response: "HumanResponseEvent",
    });
    // step2 is reached only through the human: no plain event edge into it.
    expect(graph.edges.filter((edge) => edge.to === "step:step2").map((edge) => edge.kind)).toEqual(["human"]);
  });

  it("leaves stream events out: they are never routed", () => {
    const graph = buildFlowGraph(modelOf("specs/joke.yaml"));
    expect(JSON.stringify(graph)).not.toContain("JokeProgress");
  });
});

describe("renderMermaid", () => {
  it("renders specs/joke.yaml", () => {
    expect(renderMermaid(modelOf("specs/joke.yaml"))).toMatchInlineSnapshot(`
      "---
      title: JokeFlow
      ---
      flowchart TD
        start_JokeRequested(["JokeRequested"])
        step_generate_joke["generate_joke<br/>Asks the model for its best joke about the topic."]
        step_critique_joke["critique_joke<br/>Asks the model to critique the joke."]
        stop_CritiqueReady((("CritiqueReady")))
        start_JokeRequested --> step_generate_joke
        step_generate_joke -->|"JokeWritten"| step_critique_joke
        step_critique_joke --> stop_CritiqueReady
        classDef startEvent fill:#e8f5e9,stroke:#2e7d32
        classDef stopEvent fill:#ffebee,stroke:#c62828
        class start_JokeRequested startEvent
        class stop_CritiqueReady stopEvent
      "
    `);
  });

  it("draws the human edge dotted", () => {
    const text = renderMermaid(modelOf("specs/human-in-the-loop.yaml"));
    expect(text).toContain('step_step1 -.->|"InputRequiredEvent → HumanResponseEvent"| step_step2');
  });

  it("is stable: the same model renders the same text", () => {
    const model = modelOf("specs/document-processing.yaml");
    expect(renderMermaid(model)).toBe(renderMermaid(structuredClone(model)));
  });

  it("escapes descriptions so they cannot break out of a label", () => {
    const model = modelFrom(`flowspec: 1
workflow: EscapeFlow
steps:
  end:
    accepts: StartEvent
    emits: StopEvent
    description: 'He said "hi" <script>x</script> | #1 %% 100% & \`code\`'
`);
    const text = renderMermaid(model);
    const label = text.split("\n").find((line) => line.includes("step_end["))!;
    expect(label).toBe(
      '  step_end["end<br/>He said #34;hi#34; #60;script#62;x#60;/script#62; #124; #35;1 #37;#37; 100#37; #38; #96;code#96;"]',
    );
    // Ids are prefixed, so a step called `end` (a Mermaid keyword) is safe.
    expect(text).not.toMatch(/^\s+end\b/m);
  });

  it("turns line breaks into <br/> and keeps letters of any script", () => {
    expect(escapeMermaid("première ligne\nzweite Zeile")).toBe("première ligne<br/>zweite Zeile");
  });
});

describe("renderDot", () => {
  it("renders specs/human-in-the-loop.yaml with a dashed human edge", () => {
    expect(renderDot(modelOf("specs/human-in-the-loop.yaml"))).toMatchInlineSnapshot(`
      "digraph "HumanInTheLoopFlow" {
        rankdir=TB;
        node [shape=box, style=rounded, fontname="Helvetica"];
        edge [fontname="Helvetica"];
        "start:StartEvent" [label="StartEvent", shape=oval, style=filled, fillcolor="#e8f5e9"];
        "step:step1" [label="step1\\nAsks for a number."];
        "step:step2" [label="step2\\nStops with the person's response."];
        "stop:StopEvent" [label="StopEvent", shape=doublecircle, style=filled, fillcolor="#ffebee"];
        "start:StartEvent" -> "step:step1";
        "step:step1" -> "step:step2" [label="InputRequiredEvent → HumanResponseEvent", style=dashed];
        "step:step2" -> "stop:StopEvent";
      }
      "
    `);
  });

  it("quotes and escapes strings", () => {
    expect(quoteDot('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"');
  });
});

describe("flowspec graph", () => {
  it("prints Mermaid by default and DOT on request, on stdout only", async () => {
    const mermaid = await run(["graph", "specs/joke.yaml"], REPO);
    expect(mermaid).toMatchObject({ code: 0, stderr: "" });
    expect(mermaid.stdout).toBe(renderMermaid(modelOf("specs/joke.yaml")));
    const dot = await run(["graph", "specs/joke.yaml", "--format", "dot"], REPO);
    expect(dot).toMatchObject({ code: 0, stderr: "" });
    expect(dot.stdout).toMatch(/^digraph "JokeFlow" \{\n/);
  });

  it("draws a spec with errors, marking its broken steps, prints the diagnostics on stderr and exits 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flowspec-graph-"));
    try {
      await writeFile(join(dir, "broken.yaml"), "flowspec: 1\nworkflow: BrokenFlow\nsteps:\n  only:\n    accepts: StartEvent\n    emits: Nowhere\n");
      const result = await run(["graph", "broken.yaml"], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("broken.yaml:6:12 - error unknown-event: ");
      expect(result.stdout).toContain('step_only["only<br/>error: unknown-event"]');
      expect(result.stdout).toContain("  class step_only broken");
      // no-stop-path belongs to no step: a comment line.
      expect(result.stdout).toMatch(/^ {2}%% error no-stop-path: /m);
      const dot = await run(["graph", "broken.yaml", "--format", "dot"], dir);
      expect(dot.code).toBe(1);
      expect(dot.stdout).toContain('"step:only" [label="only\\nerror: unknown-event", style="rounded,dashed", color=red, fontcolor=red];');
      expect(dot.stdout).toMatch(/^ {2}\/\/ error no-stop-path: /m);

      // A spec whose YAML is broken has nothing to draw.
      await writeFile(join(dir, "junk.yaml"), "flowspec: [\n");
      const junk = await run(["graph", "junk.yaml"], dir);
      expect(junk).toMatchObject({ code: 1, stdout: "" });
      expect(junk.stderr).toContain("yaml-syntax");

      // Warnings are shown but do not stop the graph.
      await writeFile(join(dir, "warned.yaml"), "flowspec: 1\nworkflow: WarnedFlow\nevents:\n  Unused: {}\nsteps:\n  only:\n    accepts: StartEvent\n    emits: StopEvent\n");
      const warned = await run(["graph", "warned.yaml"], dir);
      expect(warned.code).toBe(0);
      expect(warned.stderr).toContain("warning unused-event");
      expect(warned.stdout).toContain("flowchart TD");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 on bad usage and unreadable paths", async () => {
    for (const args of [["graph"], ["graph", "nope.yaml"], ["graph", "specs"], ["graph", "specs/joke.yaml", "--format", "svg"], ["graph", "a.yaml", "b.yaml"]]) {
      const result = await run(args, REPO);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stdout, args.join(" ")).toBe("");
    }
  });
});
