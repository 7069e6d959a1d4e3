// The pre-deploy gate and the run lifecycle: `flowspec runs check | cancel | purge` on a real
// SQLite journal, and `journal.cancel()` / `journal.purge()` underneath.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WorkflowCancelledError } from "flowspec/runtime";
import { SqliteJournal } from "../../sqlite/index.js";
import { run } from "../support/run-command.js";
import { flowOf, untilTotal } from "./support/counter-flow.js";
import { V1 } from "./support/counter-spec.js";

const dir = mkdtempSync(join(tmpdir(), "flowspec-lifecycle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function specsDir(name: string, spec: string): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "counter.yaml"), spec);
  return name;
}

describe("flowspec runs check (the pre-deploy gate)", () => {
  it("says, run by run, whether the new specs can resume each unfinished run, and why not", async () => {
    const file = join(dir, "check.db");
    const journal = new SqliteJournal(file);
    const Counter = await flowOf(V1);
    const flow = new Counter({ journal, timeout: null });
    flow.stopAfter = 3;
    const midway = flow.run({ n: 20 }, { runId: "midway" });
    await untilTotal(midway, 3);
    await flow.run({ n: 2 }, { runId: "done" }).then(() => undefined, () => undefined); // finished: not checked

    const compatible = specsDir("compatible", V1.replace("note: string? }", "note: string?, by: string? }"));
    const ok = await run(["runs", "check", compatible, "--journal", "check.db"], dir);
    expect(ok.stdout).toBe("ok        midway (Counter, running) by compatible/counter.yaml\nAll 1 unfinished runs can be resumed by these specs.\n");
    expect(ok.code).toBe(0);

    const renamed = specsDir("renamed", V1.replace("i: integer,", "index: integer,"));
    const blocked = await run(["runs", "check", renamed, "--journal", "check.db"], dir);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain("CANNOT    midway (Counter, running) by renamed/counter.yaml");
    expect(blocked.stdout).toContain('            event "Tick" field "i" was removed or renamed\n');
    expect(blocked.stdout).toContain("1 of 1 unfinished runs cannot be resumed by these specs");
    const json = JSON.parse((await run(["runs", "check", renamed, "--journal", "check.db", "--format", "json"], dir)).stdout);
    expect(json).toMatchObject({ blocked: 1, runs: [{ runId: "midway", resumable: false }] });

    const other = specsDir("other", V1.replace("workflow: Counter", "workflow: Other"));
    const missing = await run(["runs", "check", other, "--journal", "check.db"], dir);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("no spec among these defines workflow Counter");
    journal.close();
  });
});

describe("flowspec runs cancel", () => {
  it("ends an unfinished run; the process driving it stops at its next write and its handler rejects as cancelled", async () => {
    const file = join(dir, "cancel.db");
    const journal = new SqliteJournal(file);
    const Counter = await flowOf(V1);
    const flow = new Counter({ journal, timeout: null });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    flow.stopAfter = 5;
    const originalCount = flow.count.bind(flow);
    flow.count = async (ev: any, ctx: any) => (Number(ev.i) + 1 > 5 ? held.then(() => originalCount({ i: -1 }, ctx)) : originalCount(ev, ctx));
    const handler = flow.run({ n: 20 }, { runId: "c1" });
    await untilTotal(handler, 5);
    const out = await run(["runs", "cancel", "c1", "--journal", "cancel.db"], dir);
    expect(out).toMatchObject({ code: 0, stdout: expect.stringMatching(/^cancelled c1 \(Counter, was running\)/) });
    release(); // the step returns; its commit is refused
    await expect(handler).rejects.toBeInstanceOf(WorkflowCancelledError);
    expect(journal.getRun("c1")!.status).toBe("cancelled");
    expect(await run(["runs", "cancel", "c1", "--journal", "cancel.db"], dir)).toMatchObject({ code: 1, stderr: expect.stringContaining("has already ended (cancelled)") });
    expect(await run(["runs", "cancel", "nope", "--journal", "cancel.db"], dir)).toMatchObject({ code: 1 });
    // A cancelled run can still be resumed deliberately (it takes the run's lease again).
    flow.stopAfter = Infinity;
    flow.count = originalCount;
    expect(await new Counter({ journal, timeout: null }).resume("c1")).toMatchObject({ total: 20 });
    journal.close();
  });
});

describe("flowspec runs purge", () => {
  it("deletes finished runs older than the age, never an unfinished one, and reports what it freed", async () => {
    const file = join(dir, "purge.db");
    const journal = new SqliteJournal(file);
    const Counter = await flowOf(V1);
    const flow = new Counter({ journal, timeout: null });
    await flow.run({ n: 3 }, { runId: "old-1" });
    await flow.run({ n: 3 }, { runId: "old-2" });
    flow.stopAfter = 1;
    const unfinished = flow.run({ n: 20 }, { runId: "open" });
    await untilTotal(unfinished, 1);
    expect(await run(["runs", "purge", "--journal", "purge.db"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("purge needs --before") });
    expect(await run(["runs", "purge", "--before", "7 days", "--journal", "purge.db"], dir)).toMatchObject({ code: 2 });
    const kept = await run(["runs", "purge", "--before", "1d", "--journal", "purge.db"], dir);
    expect(kept.stdout).toMatch(/^purged 0 finished runs/);
    await new Promise((r) => setTimeout(r, 5));
    const out = await run(["runs", "purge", "--before", "0s", "--journal", "purge.db", "--format", "json"], dir);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ runs: 2, snapshots: 0 });
    expect(report.entries).toBeGreaterThan(10);
    expect(report.bytes).toBeGreaterThan(1000);
    expect(journal.list().map((r) => r.runId)).toEqual(["open"]);
    expect(journal.read("old-1")).toEqual([]);
    journal.close();
  });
});
