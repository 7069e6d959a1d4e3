// `snapshotEvery` is per workflow: two workflows sharing one journal (and so one group-commit
// writer) each snapshot at their own interval.

import { describe, expect, it } from "vitest";
import { MemoryJournal } from "flowspec/runtime";
import { InstantJokeFlow as JokeFlow, noLlm as llm } from "../support/joke-flow.js";

describe("snapshotEvery", () => {
  it("is per workflow, also when workflows share a journal", async () => {
    const journal = new MemoryJournal();
    const often = new JokeFlow({ journal, snapshotEvery: 1, resources: { llm } });
    const never = new JokeFlow({ journal, snapshotEvery: 1000, resources: { llm } });
    await never.run({ topic: "a" }, { runId: "never-first" }); // the writer is created for this one
    await often.run({ topic: "b" }, { runId: "often" });
    await never.run({ topic: "c" }, { runId: "never-again" });
    expect(journal.latestSnapshot("often")).toBeDefined();
    expect(journal.latestSnapshot("never-first")).toBeUndefined();
    expect(journal.latestSnapshot("never-again")).toBeUndefined();
  });
});
