// The shape a spec gives at compile time is the shape its generated code journals, and the
// compatibility rule classifies each kind of change as DESIGN's "Deploying a changed spec" says.

import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { shapeOfModel } from "../../compiler/shape.js";
import { resumeBreaks, shapeChanges } from "../../runtime/durable/index.js";
import { workflowShape, type WorkflowDefinition } from "flowspec/runtime";
import { V1 } from "./support/counter-spec.js";

const SPECS = new URL("../../specs/", import.meta.url);

function shapeOf(source: string) {
  const { model, diagnostics } = analyze(source, { path: "spec.yaml" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return shapeOfModel(model!);
}

describe("one shape on both sides", () => {
  const specs = readdirSync(SPECS).filter((f) => f.endsWith(".yaml"));
  it.each(specs)("%s: the compiler's shape equals the generated definition's", async (file) => {
    const module = (await import(`../../generated/${file.replace(/\.yaml$/, ".js")}`)) as Record<string, unknown>;
    const base = Object.values(module).find((value) => typeof value === "function" && "definition" in value) as { definition: WorkflowDefinition };
    expect(workflowShape(base.definition)).toEqual(shapeOf(readFileSync(new URL(file, SPECS), "utf8")));
  });
});


const change = (from: string, to: string) => V1.replace(from, to);
const classify = (next: string) => shapeChanges(shapeOf(V1), shapeOf(next));
const touchedAll = { events: new Set(["Begin", "Tick", "Finished"]), pending: new Map([["count", new Set(["Tick"])]]) };

describe("the compatibility rule", () => {
  it.each([
    ["an added step and event", V1.replace("  count:", "  audit: { accepts: Audit, emits: [Finished] }\n  count:").replace("emits: Tick }", "emits: [Tick, Audit] }").replace("events:\n", "events:\n  Audit: {}\n"), 'step "audit" was added'],
    ["an added optional field", change("note: string?", "note: string?, by: string?"), 'event "Tick" field "by" was added (optional)'],
    ["an added field with a default", change("i: integer,", "i: integer, w: { type: integer, default: 1 },"), 'event "Tick" field "w" was added (with a default)'],
    ["changed workers", change("workers: 1", "workers: 4"), 'step "count" has workers 4, was 1'],
    ["a changed default", change("default: 0", "default: 5"), 'state field "total" defaults to 5, was 0'],
  ])("%s is compatible", (_what, next, message) => {
    const changes = classify(next);
    expect(changes.map((c) => c.message)).toContain(message);
    expect(changes.filter((c) => c.breaking)).toEqual([]);
    expect(resumeBreaks(shapeOf(V1), shapeOf(next), touchedAll)).toEqual([]);
  });

  it.each([
    ["a renamed field", change("i: integer,", "index: integer,"), ['event "Tick" field "i" was removed or renamed', 'event "Tick" field "index" was added as required, with no default']],
    ["a retyped field", change("i: integer,", "i: string,"), ['event "Tick" field "i" is string, was integer']],
    ["a field made required", change("note: string?", "note: string"), ['event "Tick" field "note" was made required']],
    ["a changed kind", `${change("Finished: { kind: stop", "Finished: { kind: event")}  end: { accepts: Finished, emits: StopEvent }\n`, ['event "Finished" is of kind event, was stop']],
    ["a removed state field", change("  total: { type: integer, default: 0 }\n", "  sum: { type: integer, default: 0 }\n"), ['state field "total" was removed or renamed']],
  ])("%s is breaking, named", (_what, next, messages) => {
    const breaking = classify(next).filter((c) => c.breaking).map((c) => c.message);
    for (const m of messages) expect(breaking).toContain(m);
  });

  it("a change touches a run only through what the run holds or has pending", () => {
    const renamedStep = V1.replace("count: { accepts: Tick", "tally: { accepts: Tick").replace("emits: Tick }", "emits: Tick }");
    const was = shapeOf(V1);
    const now = shapeOf(renamedStep);
    // Work pending at `count`: the rename breaks the run.
    expect(resumeBreaks(was, now, touchedAll)).toEqual(['step "count" was removed or renamed, and this run has work pending there']);
    // Nothing pending at `count` (the run only waits at `begin`): not a break.
    expect(resumeBreaks(was, now, { events: new Set(["Begin"]), pending: new Map([["begin", new Set(["Begin"])]]) })).toEqual([]);
    // A field of an event the run never held: not a break; of one it holds: a break.
    const retyped = shapeOf(change("i: integer,", "i: string,"));
    expect(resumeBreaks(was, retyped, { events: new Set(["Begin"]), pending: new Map() })).toEqual([]);
    expect(resumeBreaks(was, retyped, touchedAll)).toEqual(['event "Tick" field "i" is string, was integer']);
  });
});
