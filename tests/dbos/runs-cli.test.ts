// `flowspec runs list|show|cancel --pg URL` over real Postgres: a worker and a client process leave
// runs of every status (completed, failed, waiting for a human, queued for a version no worker
// serves), and the CLI reads and cancels them in-process, plus through the built bundle, which must
// load DBOS and pg for `--pg` only. Needs Postgres (FLOWSPEC_PG_URL, default
// postgres://postgres@127.0.0.1:5432/test); skipped with a one-line reason without it, except under
// CI=true, where a missing Postgres fails the run.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../support/run-command.js";
import { createDatabase, dropDatabase, holdPostgres, REPO, sql, startChild, stopChild, type Child } from "./support/harness.js";
import { requirePostgres } from "./support/require-postgres.js";

const problem = await requirePostgres("flowspec runs --pg");
const releases: (() => void)[] = [];

const HOSTILE = "cli-evil\u001b[2J\u202e";
/** What a terminal would act on: C0/C1 controls (ESC among them), separators, bidi controls. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CLI = join(REPO, "dist/cli/flowspec.js");

describe.skipIf(problem !== null)("flowspec runs --pg (Postgres, child processes)", () => {
  let db: { name: string; url: string };
  let empty: { name: string; url: string };
  let client: Child;
  const children: Child[] = [];
  const runs = (...args: string[]) => run(["runs", ...args, "--pg", db.url], REPO);
  const json = async (...args: string[]) => {
    const out = await runs(...args, "--format", "json");
    expect(out.code, out.stderr).toBe(0);
    return JSON.parse(out.stdout);
  };

  beforeAll(async () => {
    releases.push(await holdPostgres("shared")); // the outage test stops Postgres: not while this file uses it
    db = await createDatabase();
    empty = await createDatabase();
    // The worker serves Fan and Hitl, not Loop: a Loop run waits for a worker of its version.
    const worker = startChild("worker.ts", { FLOWSPEC_PG_URL: db.url, FLOWSPEC_WHO: "cli-w1", FLOWSPEC_FLOWS: "fan,hitl", FLOWSPEC_STEP_MS: "10" });
    children.push(worker);
    await worker.waitFor((m) => m.type === "ready", 60_000);
    client = startChild("runs-client.ts", { FLOWSPEC_PG_URL: db.url });
    children.push(client);
    await client.waitFor((m) => m.type === "ready", 60_000);
  }, 300_000); // may wait for the outage test to give Postgres back

  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
    for (const d of [db, empty]) if (d !== undefined) await dropDatabase(d.name).catch((e) => console.warn(`could not drop ${d.name}: ${e.message}`));
    for (const release of releases.splice(0)) release();
  }, 30_000);

  it("list: every run with its status, version and why it waits; --status and --workflow filter", async () => {
    const out = await runs("list");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^RUN ID\s+WORKFLOW\s+STATUS\s+STARTED\s+UPDATED\s+VERSION\s+REASON\n/);
    expect(out.stdout).toMatch(/\ncli-done\s+FanInFanOut\s+completed\s+\S+\s+\S+\s+[0-9a-f]{16}\n/);
    expect(out.stdout).toMatch(/\ncli-boom\s+FanInFanOut\s+failed\s/);
    expect(out.stdout).toMatch(/\ncli-ask\s+\S+\s+waiting\s+.*waiting for an event from outside\n/);
    const [{ queue_name: gapQueue }] = await sql(db.url, `SELECT queue_name FROM dbos.workflow_status WHERE workflow_uuid = 'cli-gap'`);
    const gapVersion = String(gapQueue).slice(String(gapQueue).lastIndexOf(".") + 1);
    expect(out.stdout).toContain(`waiting for a worker of version ${gapVersion}`);

    const all = await json("list");
    const ids = all.runs.map((r: { runId: string }) => r.runId);
    expect([...ids].sort()).toEqual(["cli-ask", "cli-boom", "cli-done", "cli-gap", HOSTILE].sort());
    const gap = all.runs.find((r: { runId: string }) => r.runId === "cli-gap");
    expect(gap).toMatchObject({ workflow: "LoopFlow", status: "waiting", reason: `waiting for a worker of version ${gapVersion}`, fingerprint: gapVersion });
    expect(gap.dbos).toMatchObject({ status: "ENQUEUED", queue: gapQueue });
    // Oldest first, as the journal lists them.
    const started = all.runs.map((r: { startedAt: string }) => r.startedAt);
    expect(started).toEqual([...started].sort());

    expect((await json("list", "--status", "waiting")).runs.map((r: { runId: string }) => r.runId).sort()).toEqual(["cli-ask", "cli-gap"]);
    expect((await json("list", "--status", "failed", "--workflow", "FanInFanOut")).runs.map((r: { runId: string }) => r.runId)).toEqual(["cli-boom"]);
    expect((await json("list", "--workflow", "NoSuchFlow")).runs).toEqual([]);
    expect((await runs("list", "--status", "timed_out")).stdout).toBe("no runs\n");
  });

  it("check: whether workers of these specs would go on with each unfinished run (DESIGN's rule, plus the same routing on DBOS)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowspec-check-"));
    try {
      // The same specs: every unfinished run (cli-ask waiting for a human, cli-gap queued) goes on.
      const same = await run(["runs", "check", "specs", "--pg", db.url], REPO);
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).toMatch(/^ok {8}cli-ask \(HumanInTheLoopFlow, waiting\) by specs\/human-in-the-loop\.yaml$/m);
      expect(same.stdout).toMatch(/^ok {8}cli-gap \(LoopFlow, waiting\) by specs\/loop\.yaml$/m);
      expect(same.stdout).toMatch(/All 2 unfinished runs can be continued by workers of these specs\.$/m);
      // A compatible change (a default): cli-gap, queued by the old version, is still fine.
      cpSync(join(REPO, "specs"), join(dir, "specs"), { recursive: true });
      const loop = join(dir, "specs", "loop.yaml");
      const original = readFileSync(loop, "utf8");
      writeFileSync(loop, original.replace("loops: { type: integer, default: 0,", "loops: { type: integer, default: 1,"));
      const compatible = await run(["runs", "check", "specs", "--pg", db.url], dir);
      expect(compatible.code, compatible.stderr).toBe(0);
      // A breaking one (a retype): cli-gap cannot go on; the verdict names the change.
      writeFileSync(loop, original.replace("loops: { type: integer,", "loops: { type: number,"));
      const breaking = await run(["runs", "check", "specs", "--pg", db.url, "--format", "json"], dir);
      expect(breaking.code, breaking.stderr).toBe(1);
      const verdicts = JSON.parse(breaking.stdout);
      expect(verdicts.blocked).toBe(1);
      const gap = verdicts.runs.find((v: { runId: string }) => v.runId === "cli-gap");
      expect(gap).toMatchObject({ resumable: false, problems: [expect.stringMatching(/state field "loops" is number, was integer/)] });
      // A spec with errors is reported before Postgres is read.
      writeFileSync(loop, "flowspec: 1\nworkflow: LoopFlow\nsteps: 3\n");
      expect((await run(["runs", "check", "specs", "--pg", db.url], dir)).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("show: a completed run's timeline (ticks, attempts), stream and outcome, as the journal variant prints it", async () => {
    const out = await runs("show", "cli-done");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^run cli-done \(FanInFanOut, fingerprint [0-9a-f]{16}\)\nstatus completed; started \S+; updated \S+; \d+ ticks; \d+ ms\n/);
    expect(out.stdout).toContain("DBOS: SUCCESS; app flowspec, version flowspec-dbos-1, executor cli-w1");
    expect(out.stdout).toMatch(/\n\s+1\s+\+\s*\d+ ms  run started with \S+ \{"items":\["a","bb"\]\}\n/);
    expect(out.stdout).toMatch(/step process attempt 1 succeeded: returned ResultEvent/);
    expect(out.stdout).toMatch(/\nstream: 1 entry\n  #0  StopEvent \{"result":\{"total":3,/);
    expect(out.stdout).toMatch(/\noutcome: StopEvent \{"result":\{"total":3,"items":\["a","bb"\],"by":"cli-w1"\}\}\n$/);

    const detail = await json("show", "cli-done");
    expect(detail.run).toMatchObject({ runId: "cli-done", workflow: "FanInFanOut", status: "completed", reason: null });
    expect(detail.run.ticks).toBe(detail.timeline.length);
    // init_run once, process per item, finalize per result: each attempt's outcome is journaled once.
    const steps = detail.attempts.map((a: { step: string }) => a.step).sort();
    expect(steps).toEqual(["finalize", "finalize", "init_run", "process", "process"]);
    expect(detail.attempts.every((a: { outcome: string }) => a.outcome === "succeeded")).toBe(true);
    expect(detail.outcome).toEqual({ result: { type: "StopEvent", data: { result: { total: 3, items: ["a", "bb"], by: "cli-w1" } } } });
    expect(detail.stream).toEqual([{ index: 0, event: detail.outcome.result }]);
  });

  it("show: a failed run, a run waiting for a human, a run waiting for a worker of its version", async () => {
    const failed = await runs("show", "cli-boom");
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.stdout).toMatch(/\nstatus failed; /);
    expect(failed.stdout).toMatch(/step process attempt 1 failed: threw Error: boom!/);
    expect(failed.stdout).toMatch(/\n  #0  error WorkflowRuntimeError: .*boom/);
    expect(failed.stdout).toMatch(/\noutcome: WorkflowRuntimeError: .*boom/);

    const asking = await runs("show", "cli-ask");
    expect(asking.code, asking.stderr).toBe(0);
    expect(asking.stdout).toMatch(/\nstatus waiting \(waiting for an event from outside\); /);
    expect(asking.stdout).toMatch(/\nstream: 1 entry\n  #0  InputRequiredEvent \{"prefix":"who answers cli-ask\?"\}/);
    expect(asking.stdout).toMatch(/\noutcome: none yet\n$/);

    const gap = await json("show", "cli-gap");
    expect(gap.run).toMatchObject({ status: "waiting", ticks: 0 });
    expect(gap.run.reason).toBe(`waiting for a worker of version ${gap.run.fingerprint}`);
    expect(gap).toMatchObject({ timeline: [], attempts: [], stream: [], outcome: null });
  });

  it("cancel: DBOS cancellation of a waiting run (its handler rejects, resume continues it); an ended or unknown run exits 1", async () => {
    const out = await runs("cancel", "cli-ask");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^cancelled cli-ask \(HumanInTheLoopFlow, was waiting\); /);
    expect((await json("show", "cli-ask")).run).toMatchObject({ status: "cancelled", dbos: { status: "CANCELLED" } });
    const again = await runs("cancel", "cli-ask");
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toBe('flowspec runs: run "cli-ask" has already ended (cancelled); nothing to cancel\n');
    expect((await runs("cancel", "cli-done")).stderr).toContain("has already ended (completed)");
    const missing = await runs("cancel", "nope");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^flowspec runs: no run "nope" in the DBOS system database at postgres:\/\/.*\n$/);

    client.send({ type: "after-cancel" });
    const resumed = await client.waitFor((m) => m.type === "resumed", 60_000);
    expect(resumed.ended).toMatchObject({ name: "WorkflowCancelledError" });
    expect(resumed.result).toMatchObject({ answer: "after the CLI cancelled it", by: "cli-w1" });
    expect((await json("show", "cli-ask")).run.status).toBe("completed");
  }, 90_000);

  it("bad URL, unreachable Postgres, no DBOS tables: exit 2, one line naming the URL with its password masked", async () => {
    const cases = [
      { url: "mysql://root:secret@db/app", message: /^flowspec runs: --pg takes a postgres:\/\/ or postgresql:\/\/ URL, got "mysql:\/\/root:\*\*\*@db\/app"\n$/ },
      { url: "postgres://app:secret@127.0.0.1:1/test", message: /^flowspec runs: cannot read Postgres at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/test: .+\n$/ },
      { url: empty.url, message: /^flowspec runs: postgres:\/\/.* has no DBOS system database \(no dbos\.workflow_status table\); .+\n$/ },
    ];
    for (const { url, message } of cases) {
      for (const args of [["list"], ["show", "x"], ["cancel", "x"]]) {
        const out = await run(["runs", ...args, "--pg", url], REPO);
        expect(out.code).toBe(2);
        expect(out.stdout).toBe("");
        expect(out.stderr).toMatch(message);
        expect(out.stderr).not.toContain("secret");
      }
    }
    const unknown = await runs("show", "nope");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^flowspec runs: no run "nope" in the DBOS system database at /);
    // --pg and a journal are mutually exclusive; purge reads journals only.
    const both = await run(["runs", "list", "--pg", db.url, "--journal", "flowspec-runs.db"], REPO);
    expect(both).toMatchObject({ code: 2, stdout: "" });
    expect(both.stderr).toBe("flowspec runs: --pg and --journal are mutually exclusive: --pg reads DBOS runs from Postgres, --journal a SQLite journal file\n");
    const purge = await runs("purge", "--before", "7d");
    expect(purge).toMatchObject({ code: 2, stderr: "flowspec runs: purge reads a SQLite journal; DBOS keeps its own runs (DBOSClient.deleteWorkflows)\n" });
    // timed_out is a DBOS status; a journal records a timed-out run as failed.
    const journalTimedOut = await run(["runs", "list", "--status", "timed_out"], REPO);
    expect(journalTimedOut).toMatchObject({ code: 2, stdout: "" });
    expect(journalTimedOut.stderr).toMatch(/--status timed_out is for DBOS runs \(--pg\)/);
  }, 60_000);

  it("Postgres lost in the middle of a command: an error at once, not DBOS's retries until it is back", async () => {
    // A TCP proxy in front of Postgres, closed (with its connections) after the first read.
    const target = new URL(db.url);
    const sockets = new Set<Socket>();
    const proxy = createServer((downstream) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [downstream, upstream]) {
        sockets.add(s);
        s.on("error", () => undefined);
      }
      downstream.pipe(upstream).pipe(downstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = new URL(db.url);
    url.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const { openDbosRuns } = await import("../../dbos/runs-read.js");
    const runs = await openDbosRuns(url.toString());
    try {
      expect((await runs.list()).map((r) => r.runId)).toContain("cli-done");
      proxy.close();
      for (const s of sockets) s.destroy();
      await expect(runs.list()).rejects.toThrow();
      await expect(runs.show("cli-done")).rejects.toThrow();
      await expect(runs.cancel("cli-gap")).rejects.toThrow();
    } finally {
      await runs.close();
    }
    expect((await json("show", "cli-gap")).run.status).toBe("waiting");
  });

  it("escapes run ids, payloads and error messages from user code, as the journal variant does", async () => {
    const outputs = [await runs("list"), await runs("list", "--format", "json"), await runs("show", HOSTILE), await runs("show", HOSTILE, "--format", "json"), await runs("show", `${HOSTILE}x`)];
    expect(outputs.map((o) => o.code)).toEqual([0, 0, 0, 0, 1]);
    for (const out of outputs) {
      expect(out.stdout).not.toMatch(RAW);
      expect(out.stderr).not.toMatch(RAW);
    }
    expect(outputs[0]!.stdout).toContain("cli-evil\\u001b[2J\\u202e");
    expect(JSON.parse(outputs[1]!.stdout).runs.map((r: { runId: string }) => r.runId)).toContain(HOSTILE);
    expect(JSON.parse(outputs[3]!.stdout).run.runId).toBe(HOSTILE);
  });

  it.skipIf(!existsSync(CLI))("the built CLI loads DBOS and pg for --pg only, and exits once done", () => {
    // Which CommonJS packages a CLI invocation loaded (DBOS and pg are CommonJS: they land in require's cache).
    const loaded = (args: string[]) => {
      const script = `
        process.argv = [process.execPath, ${JSON.stringify(CLI)}, ...${JSON.stringify(args)}];
        const { createRequire } = await import("node:module");
        process.on("exit", () => {
          const keys = Object.keys(createRequire(import.meta.url).cache);
          console.error("LOADED " + JSON.stringify({ dbos: keys.some((k) => k.includes("/@dbos-inc/dbos-sdk/")), pg: keys.some((k) => /[/]node_modules[/]pg[/]/.test(k)) }));
        });
        await import(${JSON.stringify(CLI)});
      `;
      const res = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO, encoding: "utf8", timeout: 30_000 });
      const line = res.stderr.split("\n").find((l) => l.startsWith("LOADED "));
      expect(line, `${res.error ?? ""} ${res.stderr}`).toBeDefined();
      return { status: res.status, stdout: res.stdout, ...JSON.parse(line!.slice("LOADED ".length)) };
    };
    expect(loaded(["--version"])).toMatchObject({ status: 0, dbos: false, pg: false });
    expect(loaded(["check", "specs/joke.yaml"])).toMatchObject({ status: 0, dbos: false, pg: false });
    expect(loaded(["runs", "list", "--journal", "no-such-journal.db"])).toMatchObject({ status: 2, dbos: false, pg: false });
    const listed = loaded(["runs", "list", "--pg", db.url]);
    expect(listed).toMatchObject({ status: 0, dbos: true, pg: true });
    expect(listed.stdout).toMatch(/\ncli-done\s+FanInFanOut\s+completed/);
    expect(loaded(["runs", "show", "cli-done", "--pg", db.url])).toMatchObject({ status: 0, dbos: true });
  }, 120_000);

  it.skipIf(!existsSync(CLI))("without @dbos-inc/dbos-sdk (an optional peer), --pg says what to install", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowspec-runs-pg-"));
    try {
      // The built CLI and the one package its --pg chunk needs besides DBOS, and no DBOS.
      for (const path of ["package.json", "dist/cli", "node_modules/zod"]) cpSync(join(REPO, path), join(dir, path), { recursive: true });
      const res = spawnSync(process.execPath, [join(dir, "dist/cli/flowspec.js"), "runs", "list", "--pg", db.url], { cwd: dir, encoding: "utf8", timeout: 30_000 });
      expect(res.status).toBe(2);
      expect(res.stderr).toBe("flowspec runs: --pg needs the optional peer dependency @dbos-inc/dbos-sdk: npm install @dbos-inc/dbos-sdk@~5.3\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
