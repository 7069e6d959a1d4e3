// A property: for random pairs of spec versions, what `shapeChanges` (the `flowspec diff`
// verdict) says agrees with what happens when v2 resumes a run v1 started. A run stopped
// mid-way (cancelled after 8 of 20 steps, its journal kept) is resumed by v2:
//  - diff says compatible → the run resumes and finishes with the right total;
//  - it resumes → it finishes with the right total (never a wrong result);
//  - it is refused → diff called the change breaking, and the refusal names a breaking change.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { shapeOfModel } from "../../compiler/shape.js";
import { shapeChanges } from "../../runtime/durable/index.js";
import { JournalMismatchError, MemoryJournal } from "flowspec/runtime";
import { flowOf } from "./support/counter-flow.js";
import { runs, SEED } from "../hardening/support/fuzz-config.js";
import { V1 } from "./support/counter-spec.js";


/** Changes a new version may make; each applies to V1's text. */
const MUTATIONS: Record<string, (spec: string) => string> = {
  "add optional field": (s) => s.replace("note: string? }", "note: string?, by: string? }"),
  "add defaulted field": (s) => s.replace("note: string? }", "note: string?, w: { type: integer, default: 1 } }"),
  "add required field": (s) => s.replace("note: string? }", "note: string?, must: integer }"),
  "add state field": (s) => s.replace("  total: { type: integer, default: 0 }\n", "  total: { type: integer, default: 0 }\n  extra: { type: string, default: e }\n"),
  "add step and event": (s) =>
    s
      .replace("events:\n", "events:\n  Audit: {}\n")
      .replace("emits: [Tick, Finished], workers: 1 }", "emits: [Tick, Finished, Audit], workers: 1 }\n  audit: { accepts: Audit, emits: Finished }"),
  "change workers": (s) => s.replace("workers: 1 }", "workers: 2 }"),
  "rename field": (s) => s.replace("i: integer,", "index: integer,"),
  "retype field": (s) => s.replace("i: integer,", "i: number,"),
  "constrain field": (s) => s.replace("i: integer,", "i: { type: integer, minimum: 0 },"),
  "make field required": (s) => s.replace("note: string? }", "note: string }"),
  "rename step": (s) => s.replace("  count: { accepts: Tick", "  tally: { accepts: Tick"),
  "remove event field note": (s) => s.replace("i: integer, note: string? }", "i: integer }"),
};

/** A difference without what it says about runs: diff says "(a run … cannot resume)", a refusal ", and this run …". */
const core = (message: string) => message.replace(/ \(a run .*\)$/, "").replace(/, and this run .*$/, "");

const shapeOf = (spec: string) => shapeOfModel(analyze(spec, { path: "counter.yaml" }).model!);

describe("diff verdicts against real resumes", () => {
  test(`${runs(30)} random pairs of versions`, { timeout: 120_000 }, async () => {
    const V1Flow = await flowOf(V1);
    const names = Object.keys(MUTATIONS);
    let refused = 0;
    let resumed = 0;
    await fc.assert(
      fc.asyncProperty(fc.subarray(names, { minLength: 1, maxLength: 3 }), async (picked) => {
        const v2 = picked.reduce((spec, name) => MUTATIONS[name]!(spec), V1);
        const breaking = shapeChanges(shapeOf(V1), shapeOf(v2)).filter((c) => c.breaking);
        const journal = new MemoryJournal();
        const v1 = new V1Flow({ journal, timeout: null });
        v1.stopAfter = 8;
        const handler = v1.run({ n: 20 }, { runId: "r" });
        while (journal.getRun("r")?.status !== "running" || ((await handler.state()) as { total: number }).total < 8) await new Promise((r) => setTimeout(r, 1));
        handler.cancel();
        await handler.then(() => undefined, () => undefined);
        const V2Flow = await flowOf(v2);
        let outcome: unknown;
        try {
          outcome = await new V2Flow({ journal, timeout: null }).resume("r");
        } catch (error) {
          outcome = error;
        }
        const context = `${picked.join(" + ")}: ${breaking.map((c) => c.message).join("; ") || "compatible"}`;
        if (outcome instanceof JournalMismatchError) {
          refused++;
          expect(breaking.length, context).toBeGreaterThan(0);
          const named = new Set(breaking.map((c) => core(c.message)));
          for (const difference of outcome.differences) expect(named.has(core(difference)), `${context} / ${difference}`).toBe(true);
        } else {
          resumed++;
          expect(outcome, context).toMatchObject({ total: 20 });
        }
        if (breaking.length === 0) expect(outcome instanceof JournalMismatchError, context).toBe(false);
      }),
      { seed: SEED, numRuns: runs(30), endOnFailure: true },
    );
    console.log(`[tests/deploy] ${refused} refused, ${resumed} resumed to the right total`);
    expect(refused).toBeGreaterThan(0);
    expect(resumed).toBeGreaterThan(0);
  });
});
