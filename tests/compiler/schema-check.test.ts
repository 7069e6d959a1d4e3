import { describe, expect, test } from "vitest";
import { loadYaml } from "../../compiler/load.js";
import { checkSchema, MAX_SCHEMA_DIAGNOSTICS } from "../../compiler/schema-check.js";
import { cpuTimed } from "../support/cpu-time.js";

/** The front half of the pipeline, without the model stage. */
function check(source: string) {
  const loaded = loadYaml(source, "spec.yaml");
  expect(loaded.diagnostics).toEqual([]);
  return checkSchema(loaded.data, loaded.locator, "spec.yaml");
}

/** A minimal valid spec with `extra` spliced in under `steps:` → `only:`. */
function withStep(extra: string): string {
  return ["flowspec: 1", "workflow: Tiny", "steps:", "  only:", "    accepts: StartEvent", "    emits: StopEvent", extra].join("\n");
}

describe("checkSchema", () => {
  test("a valid spec, long and short forms, has no diagnostics", () => {
    const source = `flowspec: 1
workflow: Joke
description: d
timeout: null
types:
  Critique:
    fields:
      score: { type: integer, minimum: 0, maximum: 10, enum: [1, 2], description: "x, y" }
      tags: string[]
state:
  attempts: { type: integer, default: 0 }
  note: string?
events:
  Asked: { kind: start, fields: { topic: { type: string, minLength: 1, maxLength: 9, pattern: "^a" } } }
  Done: { kind: stop }
resources:
  llm: { type: Llm, module: ./llm.js, factory: createLlm, cache: false }
steps:
  go:
    accepts: [Asked]
    emits: Done
    resources: [llm]
    workers: 2
    retry: { attempts: 3, delay: 0.5, backoff: 2 }
    timeout: 5
`;
    expect(check(source)).toEqual([]);
  });

  test("an unknown key points at the key and suggests the right one", () => {
    const diagnostics = check(["flowspec: 1", "workflow: Tiny", "steps:", "  only:", "    acepts: StartEvent"].join("\n"));
    expect(diagnostics).toHaveLength(1); // not a second `missing 'accepts'` for the same typo
    expect(diagnostics[0]).toMatchObject({ code: "schema", severity: "error", file: "spec.yaml", line: 5, column: 5, endLine: 5, endColumn: 11 });
    expect(diagnostics[0]!.message).toContain("(did you mean 'accepts'?)");
    expect(diagnostics[0]!.message).toContain("step 'only'");
  });

  test("a missing required key points at the entry's key", () => {
    const diagnostics = check(["flowspec: 1", "workflow: Tiny", "steps:", "  only:", "    emits: StopEvent"].join("\n"));
    expect(diagnostics).toEqual([expect.objectContaining({ code: "schema", line: 4, column: 3 })]);
    expect(diagnostics[0]!.message).toContain("'accepts'");
  });

  test("missing top-level keys give one diagnostic at the document's start", () => {
    const diagnostics = check("description: nothing else\n");
    expect(diagnostics).toEqual([expect.objectContaining({ code: "schema", line: 1, column: 1 })]);
    expect(diagnostics[0]!.message).toMatch(/flowspec.*workflow.*steps/);
  });

  test("a value of the wrong type or range points at the value", () => {
    const diagnostics = check(withStep("    workers: 0\n    retry: { attempts: 1.5 }\n    timeout: -1"));
    expect(diagnostics).toMatchObject([
      { code: "schema", line: 7, column: 14 },
      { code: "schema", line: 8, column: 24 },
      { code: "schema", line: 9, column: 14 },
    ]);
    expect(diagnostics[0]!.message).toContain("'workers' of step 'only'");
    expect(diagnostics[0]!.message).toContain("an integer >= 1");
  });

  test("an empty value points at its key", () => {
    expect(check(withStep("    retry:"))).toEqual([expect.objectContaining({ code: "schema", line: 7, column: 5 })]);
  });

  test("an enum mismatch is one diagnostic, with a suggestion", () => {
    const source = ["flowspec: 1", "workflow: Tiny", "events:", "  Go:", "    kind: strt", "steps:", "  only: { accepts: Go }"].join("\n");
    const diagnostics = check(source);
    expect(diagnostics).toEqual([expect.objectContaining({ code: "schema", line: 5, column: 11 })]);
    expect(diagnostics[0]!.message).toContain("did you mean 'start'?");
  });

  describe("anyOf collapses to one message", () => {
    test("a value matching no branch: one message naming both shapes", () => {
      const diagnostics = check(withStep("").replace("accepts: StartEvent", "accepts: 5"));
      expect(diagnostics).toEqual([expect.objectContaining({ code: "schema", line: 5, column: 14 })]);
      expect(diagnostics[0]!.message).toContain("a string or a non-empty list");
    });

    test("an empty list: the list branch's complaint only", () => {
      const diagnostics = check(withStep("").replace("emits: StopEvent", "emits: []"));
      expect(diagnostics).toEqual([expect.objectContaining({ code: "schema", line: 6, column: 12 })]);
      expect(diagnostics[0]!.message).toContain("non-empty list");
    });

    test("a bad list item points at the item", () => {
      const diagnostics = check(withStep("").replace("accepts: StartEvent", "accepts: [StartEvent, 7]"));
      expect(diagnostics).toEqual([expect.objectContaining({ code: "schema", line: 5, column: 27 })]);
      expect(diagnostics[0]!.message).toContain("item 2 of 'accepts'");
    });

    test("a long-form field's own problems, not the short-form branch's", () => {
      const source = `flowspec: 1
workflow: Tiny
state:
  count: { typ: integer, minimum: low, pattern: "(" }
steps:
  only: { accepts: StartEvent }
`;
      const diagnostics = check(source);
      expect(diagnostics).toMatchObject([
        { code: "schema", line: 4, column: 12 }, // typ → did you mean 'type'? (and no separate "missing 'type'")
        { code: "schema", line: 4, column: 35 }, // minimum: low
        { code: "schema", line: 4, column: 49 }, // an invalid regular expression
      ]);
      expect(diagnostics[0]!.message).toContain("did you mean 'type'?");
      expect(diagnostics[2]!.message).toContain("regular expression");
    });
  });

  test("a comma inside a flow mapping gets a hint", () => {
    const source = withStep("").replace("emits: StopEvent", "emits: StopEvent\nevents:\n  Go: { description: Big, bold text }");
    const diagnostics = check(source);
    expect(diagnostics).toEqual([expect.objectContaining({ code: "schema", line: 8, column: 27 })]);
    expect(diagnostics[0]!.message).toContain("quote");
  });

  test.each([
    ["an empty document", "", 1],
    ["a comment-only document", "# nothing\n", 1],
    ["a list", "- flowspec: 1\n", 1],
    ["a scalar", "hello\n", 1],
    ["a number", "\n\n42\n", 3],
  ])("%s gives one diagnostic asking for a mapping", (_name, source, line) => {
    const diagnostics = check(source);
    expect(diagnostics).toEqual([expect.objectContaining({ code: "schema", line, column: 1 })]);
    expect(diagnostics[0]!.message).toContain("must be a mapping with keys flowspec, workflow, steps");
  });

  test("undefined data (a document that failed to load) gives one diagnostic", () => {
    const loaded = loadYaml("a: [", "x.yaml");
    expect(checkSchema(undefined, loaded.locator)).toEqual([expect.objectContaining({ code: "schema", line: 1, column: 1 })]);
  });

  test("the same problem is reported once", () => {
    const diagnostics = check(withStep("    workers: -3"));
    expect(diagnostics).toHaveLength(1);
  });

  test("stays linear on 100,000 failing entries (no quadratic error merging)", () => {
    const steps = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`s${i}`, { acepts: 1 }]));
    const { locator } = loadYaml("flowspec: 1\n");
    const { value: diagnostics, ms } = cpuTimed(() => checkSchema({ flowspec: 1, workflow: "Big", steps }, locator));
    expect(ms).toBeLessThan(3000); // CPU ms: ~1 s here; a quadratic merge takes minutes
    expect(diagnostics).toHaveLength(MAX_SCHEMA_DIAGNOSTICS + 1);
  });

  test("a flood of problems is capped, with a summary", () => {
    const junk = Array.from({ length: 500 }, (_, i) => `    junk${i}: 1`).join("\n");
    const diagnostics = check(withStep(junk));
    expect(diagnostics).toHaveLength(MAX_SCHEMA_DIAGNOSTICS + 1);
    expect(diagnostics.filter((d) => d.message.includes("450 more"))).toEqual([expect.objectContaining({ code: "schema", line: 57, column: 5 })]);
  });
});
