// `Journal.purge({ runIds })` deletes exactly the listed runs that have finished, in both journals.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryJournal, type Journal } from "flowspec/runtime";
import { SqliteJournal } from "flowspec/sqlite";
import { HumanInTheLoopFlow as Hitl } from "../support/hitl-flow.js";
import { InstantJokeFlow, noLlm } from "../support/joke-flow.js";

const dir = mkdtempSync(join(tmpdir(), "flowspec-purge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ["MemoryJournal", () => new MemoryJournal()],
  ["SqliteJournal", () => new SqliteJournal(join(dir, "runs.db"))],
] as [string, () => Journal][])("%s", (_name, open) => {
  it("purge({ runIds }) deletes those finished runs only, never an unfinished one", async () => {
    const journal = open();
    const flow = new InstantJokeFlow({ journal, resources: { llm: noLlm } });
    for (const runId of ["a", "b", "c"]) await flow.run({ topic: runId }, { runId });
    const waiting = new Hitl({ journal }).run(undefined, { runId: "w" });
    for await (const _ of waiting.streamEvents()) break; // it asked: unfinished, waiting for a human
    const report = journal.purge({ before: Number.MAX_SAFE_INTEGER, runIds: ["a", "c", "w", "missing"] });
    expect(report.runs).toBe(2);
    expect(["a", "b", "c", "w"].map((id) => journal.getRun(id)?.status ?? null)).toEqual([null, "completed", null, "waiting"]);
    waiting.cancel();
    await waiting.then(() => undefined, () => undefined);
    journal.close();
  });
});
