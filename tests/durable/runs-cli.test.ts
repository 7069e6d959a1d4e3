// `flowspec runs list|show`: in-process against a real journal file, plus the check that other
// commands never load the native SQLite module.

import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import Database from "better-sqlite3";
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

/** What a terminal would act on: C0/C1 controls (ESC among them), separators, bidi controls. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * The built CLI and the packages `runs list` loads, copied under `into` so that `nobody` can read
 * them: the repo itself may sit in a folder only its owner may enter (a CI clone in a 0700 temp dir).
 */
function readableCli(into: string): string {
  const copy = (from: string) => cpSync(join(REPO, from), join(into, from), { recursive: true });
  for (const path of ["package.json", "dist/cli", "node_modules/zod", "node_modules/bindings", "node_modules/file-uri-to-path"]) copy(path);
  for (const path of ["package.json", "lib", "build/Release/better_sqlite3.node"]) copy(join("node_modules/better-sqlite3", path));
  return join(into, "dist/cli/flowspec.js");
}

describe("flowspec runs with hostile or large journals", () => {
  const hostile = "evil\u001b[2J\u001b]0;pwned\u0007\u202erow\u009b";

  it("escapes run ids, workflow names, store keys, payloads and error messages, as check does", async () => {
    const file = join(dir, "hostile.db");
    const journal = new SqliteJournal(file);
    const entry = (seq: number, value: object) => ({ seq, at: 1_000 + seq, kind: "tick" as const, json: JSON.stringify({ kind: "tick", tick: value }) });
    journal.createRun({ runId: hostile, workflow: `Flow${hostile}`, fingerprint: "f", shape: { steps: [], events: [] }, createdAt: 1_000 }, [
      entry(1, { type: "run_started", runId: hostile, start: { type: `Start${hostile}`, data: { topic: hostile } } }),
      entry(2, { type: "store_set", key: hostile, value: hostile }),
      entry(3, { type: "run_failed", error: { name: hostile, message: hostile } }),
    ]);
    journal.commit([{ runId: hostile, entries: [], status: "failed", updatedAt: 2_000, outcome: { error: { name: hostile, message: `boom ${hostile}` } } }]);
    journal.close();

    const outputs = [
      await run(["runs", "list", "--journal", file], dir),
      await run(["runs", "list", "--journal", file, "--format", "json"], dir),
      await run(["runs", "show", hostile, "--journal", file], dir),
      await run(["runs", "show", hostile, "--journal", file, "--format", "json"], dir),
      await run(["runs", "show", `${hostile}x`, "--journal", file], dir),
      await run(["runs", "list", "--journal", `${hostile}.db`], dir),
    ];
    expect(outputs.map((o) => o.code)).toEqual([0, 0, 0, 0, 1, 2]);
    for (const out of outputs) {
      expect(out.stdout).not.toMatch(RAW);
      expect(out.stderr).not.toMatch(RAW);
    }
    expect(outputs[0]!.stdout).toContain("evil\\u001b[2J");
    expect(outputs[2]!.stdout).toContain("store evil\\u001b[2J");
    expect(outputs[2]!.stdout).toMatch(/outcome: evil.*: boom evil\\u001b\[2J/);
    // JSON output escapes the same characters as JSON escapes: the values read back unchanged.
    expect(JSON.parse(outputs[1]!.stdout).runs[0].runId).toBe(hostile);
    expect(JSON.parse(outputs[3]!.stdout).outcome.error.message).toBe(`boom ${hostile}`);
  });

  it("lists more runs than a call has room for arguments (no Math.max(...rows))", async () => {
    const file = join(dir, "many.db");
    new SqliteJournal(file).close();
    const db = new Database(file);
    const insert = db.prepare("INSERT INTO runs (run_id, workflow, fingerprint, shape, status, created_at, updated_at, ticks, last_seq, outcome) VALUES (?, 'Flow', 'f', '{\"steps\":[],\"events\":[]}', 'completed', ?, ?, 1, 1, NULL)");
    const rows = 130_000;
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`run-${String(i).padStart(6, "0")}`, i, i);
    })();
    db.close();
    const out = await run(["runs", "list", "--journal", file], dir);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines.length).toBe(rows + 1);
    expect(lines[rows]).toMatch(/^run-129999\s+Flow\s+completed/);
  }, 60_000);

  it("reads a journal in a folder it may not write (read-only, WAL mode)", () => {
    // Root ignores file modes, so as root the CLI runs as `nobody`.
    const root = process.getuid?.() === 0;
    const shared = mkdtempSync(join(tmpdir(), "flowspec-runs-ro-"));
    const folder = join(shared, "journal");
    mkdirSync(folder);
    const file = join(folder, "flowspec-runs.db");
    try {
      const journal = new SqliteJournal(file);
      journal.createRun({ runId: "ro-1", workflow: "Flow", fingerprint: "f", shape: { steps: [], events: [] }, createdAt: 1_000 }, []);
      journal.close();
      expect(existsSync(`${file}-wal`)).toBe(false);
      chmodSync(file, 0o444);
      chmodSync(folder, 0o555);
      chmodSync(shared, 0o755);
      const cli = root ? readableCli(join(shared, "cli")) : join(REPO, "dist/cli/flowspec.js");
      const res = spawnSync(process.execPath, [cli, "runs", "list", "--journal", file], { cwd: folder, encoding: "utf8", ...(root ? { uid: 65534, gid: 65534 } : {}) });
      expect(res.stderr).toBe("");
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/ro-1\s+Flow\s+running/);
      expect(existsSync(`${file}-shm`)).toBe(false);
    } finally {
      chmodSync(folder, 0o755);
      rmSync(shared, { recursive: true, force: true });
    }
  }, 60_000);
});
