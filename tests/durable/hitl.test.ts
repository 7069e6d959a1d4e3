// Human in the loop across processes: A runs until its InputRequiredEvent and exits; B sends the
// HumanResponseEvent by runId (resume, then sendEvent) and finishes the run.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteJournal } from "../../sqlite/index.js";
import { startChild } from "./support/child.js";

const dir = mkdtempSync(join(tmpdir(), "flowspec-hitl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("human in the loop across processes", () => {
  it("process B answers the question process A asked, by runId", async () => {
    const file = join(dir, "runs.db");
    const a = await startChild("hitl-child", { JOURNAL: file, RUN_ID: "hitl-1", MODE: "ask" });
    expect(await a.waitFor(/ASKED/)).toBe("ASKED Enter a number: ");
    expect((await a.exited).code).toBe(0);

    const journal = new SqliteJournal(file);
    expect(journal.list({ workflow: "HumanInTheLoopFlow", status: "waiting" }).map((r) => r.runId)).toEqual(["hitl-1"]);
    journal.close();

    const b = await startChild("hitl-child", { JOURNAL: file, RUN_ID: "hitl-1", MODE: "answer", ANSWER: "42" });
    const line = await b.waitFor(/RESULT/);
    expect((await b.exited).code, b.err()).toBe(0);
    expect(JSON.parse(line.slice("RESULT ".length))).toEqual({ result: "got 42", seen: ["InputRequiredEvent", "StopEvent"] });

    const after = new SqliteJournal(file);
    const run = after.getRun("hitl-1")!;
    expect(run.status).toBe("completed");
    expect(after.list({ status: ["running", "waiting"] })).toEqual([]);
    after.close();
  });
});
