// `flowspec runs list|show`: in-process against a real journal file, plus the check that other
// commands never load the native SQLite module.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteJournal } from "../../sqlite/index.js";
import { DurableFlow } from "../../specs/support/durable-flow.js";
import { run } from "../support/run-command.js";
import { REPO } from "./support/child.js";

const dir = mkdtempSync(join(tmpdir(), "flowspec-runs-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fast = () => ({ delay: () => new Promise<void>((r) => setTimeout(r, 1)), effect: () => undefined });

beforeAll(async () => {
  const journal = new SqliteJournal(join(dir, "flowspec-runs.db"));
  const flow = new DurableFlow({ journal, resources: { probe: fast } });
  await flow.run({ rounds: 2, width: 2 }, { runId: "run-a" });
  flow.run({ rounds: 1, width: 1 }, { runId: "run-b" }).cancel();
  await new Promise((r) => setTimeout(r, 20));
  journal.close();
});

describe("flowspec runs", () => {
  it("lists the runs of the default journal file", async () => {
    const out = await run(["runs", "list"], dir);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^RUN ID\s+WORKFLOW\s+STATUS\s+STARTED\s+UPDATED\s+TICKS/);
    expect(out.stdout).toMatch(/run-a\s+DurableFlow\s+completed/);
    expect(out.stdout).toMatch(/run-b\s+DurableFlow\s+cancelled/);
    const json = await run(["runs", "list", "--format", "json", "--status", "completed"], dir);
    expect(JSON.parse(json.stdout).runs.map((r: { runId: string }) => r.runId)).toEqual(["run-a"]);
  });

  it("shows a run's timeline with attempts, durations and the outcome", async () => {
    const out = await run(["runs", "show", "run-a", "--journal", join(dir, "flowspec-runs.db")], dir);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("run run-a (DurableFlow");
    expect(out.stdout).toMatch(/run started with Begin \{"rounds":2,"width":2\}/);
    expect(out.stdout).toMatch(/step work attempt 1 succeeded in \d+ ms: returned ChunkDone/);
    expect(out.stdout).toMatch(/outcome: Finished \{"rounds":2,"total":\d+\}/);
    const json = JSON.parse((await run(["runs", "show", "run-a", "--format", "json"], dir)).stdout);
    expect(json.attempts.length).toBe(1 + 2 * (1 + 2 + 2 + 1));
    expect(json.attempts.every((a: { outcome: string; durationMs: number }) => a.outcome === "succeeded" && a.durationMs >= 0)).toBe(true);
  });

  it("missing file → exit 2 naming it; unknown run → exit 1; bad usage → exit 2", async () => {
    const missing = await run(["runs", "list", "--journal", "nope.db"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.db: no such journal file/);
    const unknown = await run(["runs", "show", "zzz"], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no run "zzz"');
    expect((await run(["runs", "show"], dir)).code).toBe(2);
    expect((await run(["runs", "frobnicate"], dir)).code).toBe(2);
  });

  it("flowspec check never loads better-sqlite3", () => {
    const script = `
      const { runCommand } = await import(${JSON.stringify(join(REPO, "compiler/commands/index.ts"))});
      await runCommand(["check", ${JSON.stringify(join(REPO, "specs/durable.yaml"))}], { stdout: { write() {} }, stderr: { write() {} }, cwd: ${JSON.stringify(REPO)} });
      const { createRequire } = await import("node:module");
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("better-sqlite3"));
      console.log(loaded ? "LOADED" : "NOT LOADED");
    `;
    const res = spawnSync(process.execPath, ["--import", join(REPO, "tests/durable/support/register.mjs"), "--input-type=module", "-e", script], { cwd: REPO, encoding: "utf8" });
    expect(res.stdout.trim(), res.stderr).toBe("NOT LOADED");
  });
});
