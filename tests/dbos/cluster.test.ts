// flowspec/dbos over real Postgres with real processes: a client (API) process and worker processes.
// Needs Postgres (FLOWSPEC_PG_URL, default postgres://postgres@127.0.0.1:5432/test); skipped with a
// one-line reason without it, except under CI=true, where a missing Postgres fails the run.

import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, holdPostgres, readSideEffects, sql, startChild, stopChild, type Child } from "./support/harness.js";
import { requirePostgres } from "./support/require-postgres.js";

const problem = await requirePostgres("flowspec/dbos");
const releases: (() => void)[] = [];

const RUNS = 200;
const BRANCHES = 10;
const sideFile = join(tmpdir(), `flowspec-dbos-side-${process.pid}.txt`);

const sideEffects = () => readSideEffects(sideFile);

describe.skipIf(problem !== null)("flowspec/dbos (Postgres, child processes)", () => {
  let db: { name: string; url: string };
  const workers = new Map<string, Child>();
  const children: Child[] = [];
  const env = () => ({ FLOWSPEC_PG_URL: db.url, FLOWSPEC_SIDE_FILE: sideFile, FLOWSPEC_STEP_MS: "50" });
  const startWorker = (who: string) => {
    const w = startChild("worker.ts", { ...env(), FLOWSPEC_WHO: who });
    workers.set(who, w);
    children.push(w);
    return w;
  };
  const client = (mode: string, extra: Record<string, string> = {}) => {
    const c = startChild("client.ts", { ...env(), FLOWSPEC_MODE: mode, ...extra });
    children.push(c);
    return c;
  };
  /** The recorded `flowspec.tick` batches of a run, decoded: its journal. */
  const journal = async (runId: string) => {
    const rows = await sql<{ output: string }>(db.url, `SELECT output FROM dbos.operation_outputs WHERE workflow_uuid = $1 AND function_name = 'flowspec.tick' ORDER BY function_id`, [runId]);
    const ticks: any[] = [];
    for (const r of rows) {
      const parsed = JSON.parse(r.output);
      const enveloped = parsed !== null && typeof parsed === "object" && "json" in parsed ? parsed.json : parsed; // DBOS's superjson envelope
      const out = typeof enveloped === "string" ? JSON.parse(enveloped) : enveloped; // format 2 records a batch as its JSON text
      if (Array.isArray(out)) for (const e of out) if (e.t) ticks.push(e.t);
      if (out?.tick) ticks.push(out.tick);
    }
    return ticks;
  };

  beforeAll(async () => {
    rmSync(sideFile, { force: true });
    releases.push(await holdPostgres("shared")); // the outage test stops Postgres: not while this file uses it
    db = await createDatabase();
    // Three workers launching together on a fresh database (the migration race is serialized by flowspec).
    await Promise.all(["w1", "w2", "w3"].map((who) => startWorker(who).waitFor((m) => m.type === "ready", 60_000)));
  }, 300_000); // may wait for the outage test to give Postgres back

  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
    if (db !== undefined) await dropDatabase(db.name).catch((e) => console.warn(`could not drop ${db.name}: ${e.message}`));
    for (const release of releases.splice(0)) release();
    rmSync(sideFile, { force: true });
  }, 30_000);

  it("cluster: a client and 3 workers run 200 fan-out/fan-in runs (10 branches × 50 ms), all exact", async () => {
    const t0 = performance.now();
    const c = client("fan", { FLOWSPEC_RUNS: String(RUNS), FLOWSPEC_BRANCHES: String(BRANCHES), FLOWSPEC_PREFIX: "fan" });
    const done = await c.waitFor((m) => m.type === "done", 60_000);
    const ms = Math.round(performance.now() - t0);
    const bad = done.results.filter((r: any) => !r.ok);
    expect(bad).toEqual([]);
    expect(done.badStreams).toBe(0);
    const spread: Record<string, number> = {};
    for (const r of done.results) spread[r.by] = (spread[r.by] ?? 0) + 1;
    console.log(`[tests/dbos] cluster: ${RUNS} runs in ${done.elapsedMs} ms (client process ${ms} ms incl. launch); finished by: ${JSON.stringify(spread)}`);
    expect(Object.keys(spread).sort()).toEqual(["w1", "w2", "w3"]);
    // No crash: every step body ran exactly once.
    const effects = sideEffects().filter((e) => e.runId.startsWith("fan-"));
    expect(effects.length).toBe(RUNS * (BRANCHES + 1));
    expect(new Set(effects.map((e) => `${e.runId} ${e.what}`)).size).toBe(effects.length);
    // Nothing left pending.
    const [{ n }] = await sql(db.url, `SELECT count(*)::int AS n FROM dbos.workflow_status WHERE workflow_uuid LIKE 'fan-%' AND status <> 'SUCCESS'`);
    expect(n).toBe(0);
  }, 70_000);

  it("HITL: a run owned by a worker is answered from the client process and finishes", async () => {
    const c = client("hitl", { FLOWSPEC_RUN_ID: "hitl-1" });
    const asked = await c.waitFor((m) => m.type === "asked");
    expect(["w1", "w2", "w3"]).toContain(asked.owner);
    expect(asked.status).toBe("waiting");
    const done = await c.waitFor((m) => m.type === "done");
    expect(done.seen).toEqual(["InputRequiredEvent", "StopEvent"]);
    expect(done.result).toEqual({ answer: "forty-two", by: asked.owner });
    expect(done.status).toBe("completed");
  }, 30_000);

  it("crash: SIGKILL a worker under load; every run completes exactly once; no journaled step repeats", async () => {
    const before = sideEffects().length;
    const c = client("fan", { FLOWSPEC_RUNS: String(RUNS), FLOWSPEC_BRANCHES: String(BRANCHES), FLOWSPEC_PREFIX: "crash" });
    await c.waitFor((m) => m.type === "enqueued");
    // Kill w2 once it has done some work of this batch (mid-run for many of its runs).
    const deadline = Date.now() + 20_000;
    while (sideEffects().slice(before).filter((e) => e.who === "w2").length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const victim = workers.get("w2")!;
    victim.child.kill("SIGKILL");
    const killedAt = performance.now();
    await victim.exited;
    const reaped = await Promise.race([
      workers.get("w1")!.waitFor((m) => m.type === "reaped" && m.dead === "w2", 20_000),
      workers.get("w3")!.waitFor((m) => m.type === "reaped" && m.dead === "w2", 20_000),
    ]);
    const recoveredMs = Math.round(performance.now() - killedAt);
    const done = await c.waitFor((m) => m.type === "done", 60_000);
    expect(done.results.filter((r: any) => !r.ok)).toEqual([]);
    expect(done.badStreams).toBe(0); // each stream: exactly one stop event
    const [{ n }] = await sql(db.url, `SELECT count(*)::int AS n FROM dbos.workflow_status WHERE workflow_uuid LIKE 'crash-%' AND status <> 'SUCCESS'`);
    expect(n).toBe(0);

    // Side effects: a body ran again only if it was the dead worker's, in flight or not yet recorded.
    const effects = sideEffects().filter((e) => e.runId.startsWith("crash-"));
    const byKey = new Map<string, string[]>();
    for (const e of effects) byKey.set(`${e.runId} ${e.what}`, [...(byKey.get(`${e.runId} ${e.what}`) ?? []), e.who]);
    expect(byKey.size).toBe(RUNS * (BRANCHES + 1));
    const repeated = [...byKey].filter(([, whos]) => whos.length > 1);
    for (const [, whos] of repeated) expect(whos.slice(0, -1).every((w) => w === "w2")).toBe(true);
    // The journal: each delivery's outcome recorded exactly once, in every run.
    let recoveredRuns = 0;
    for (let i = 0; i < RUNS; i++) {
      const ticks = await journal(`crash-${i}`);
      const outcomes = ticks.filter((t) => t.type === "attempt_succeeded");
      // init_run once, process once per branch, finalize once per ResultEvent (the last one stops).
      expect(outcomes.filter((t) => t.step === "process").length).toBe(BRANCHES);
      expect(outcomes.length).toBe(1 + 2 * BRANCHES);
      expect(new Set(outcomes.map((t) => t.seq)).size).toBe(outcomes.length);
      if (ticks.some((t) => t.type === "run_resumed")) recoveredRuns++;
    }
    const spread: Record<string, number> = {};
    for (const r of done.results) spread[r.by] = (spread[r.by] ?? 0) + 1;
    console.log(
      `[tests/dbos] crash: w2 killed; ${reaped.runs} runs recovered by a peer ${recoveredMs} ms after the kill; ${recoveredRuns} runs replayed; ` +
        `${repeated.length} of ${byKey.size} step bodies ran again (all first run on w2); finished by ${JSON.stringify(spread)}; ${done.elapsedMs} ms`,
    );
    expect(recoveredRuns).toBeGreaterThan(0);
  }, 90_000);

  it("HITL: the owner dies while waiting, the answer is sent during the outage, a peer finishes the run", async () => {
    const c = client("hitl", { FLOWSPEC_RUN_ID: "hitl-2", FLOWSPEC_WAIT_FOR_GO: "1" });
    const asked = await c.waitFor((m) => m.type === "asked");
    const owner = workers.get(asked.owner)!;
    owner.child.kill("SIGKILL");
    await owner.exited;
    c.send({ type: "go" }); // answered while nobody owns the run
    const done = await c.waitFor((m) => m.type === "done", 30_000);
    expect(done.seen).toEqual(["InputRequiredEvent", "StopEvent"]);
    expect(done.result.answer).toBe("forty-two");
    expect(done.result.by).not.toBe(asked.owner);
    const asks = sideEffects().filter((e) => e.runId === "hitl-2" && e.what === "ask");
    expect(asks.length).toBe(1); // step1's outcome was checkpointed: it did not run again
    // Bring the worker back under its executor id (nothing of it is left to recover).
    await startWorker(asked.owner).waitFor((m) => m.type === "ready", 30_000);
  }, 60_000);

  it("errors cross processes with their class; cancel reaches a waiting run", async () => {
    const c = client("errors");
    const { out } = await c.waitFor((m) => m.type === "done", 30_000);
    expect(out.failed).toMatchObject({ name: "WorkflowRuntimeError", ctor: "WorkflowRuntimeError", step: "process", cause: "boom!" });
    expect(out.failed.message).toMatch(/Step "process" failed after 1 attempt: boom!/);
    expect(out.stream).toMatchObject({ name: "WorkflowRuntimeError", ctor: "WorkflowRuntimeError" });
    expect(out.failedStatus).toBe("failed");
    expect(out.cancelled).toMatchObject({ name: "WorkflowCancelledError", ctor: "WorkflowCancelledError" });
    expect(out.cancelledStatus).toBe("cancelled");
  }, 40_000);

  it("bad input: unknown runId, duplicate runId, invalid start input give clear errors", async () => {
    const c = client("bad");
    const { out } = await c.waitFor((m) => m.type === "done");
    expect(out.resume).toMatchObject({ name: "RunNotFoundError", message: expect.stringContaining('"no-such-run"') });
    expect(out.send).toMatchObject({ name: "RunNotFoundError", message: expect.stringContaining('"no-such-run"') });
    expect(out.dup).toMatchObject({ name: "RunExistsError", message: expect.stringContaining('flow.resume("dup-1")') });
    expect(out.invalid).toMatchObject({ name: "WorkflowValidationError", message: expect.stringContaining("FanOutStart") });
    expect(out.invalidEnqueued).toBe(false);
  }, 30_000);

  it("bad input: an unreachable or non-Postgres database URL is a clear, fast error", async () => {
    const c = client("bad-url");
    const { out } = await c.waitFor((m) => m.type === "done");
    expect(out.refused.message).toMatch(/DbosRuntime: cannot connect to the system database postgres:\/\/postgres@127\.0\.0\.1:1\/test/);
    expect(out["not-postgres"].message).toMatch(/must be a postgres:\/\/ or postgresql:\/\/ URL/);
  }, 30_000);

  it("Postgres connections terminated mid-run (pg_terminate_backend): no run is lost once back", async () => {
    const runs = 40;
    const c = client("fan", { FLOWSPEC_RUNS: String(runs), FLOWSPEC_BRANCHES: String(BRANCHES), FLOWSPEC_PREFIX: "term" });
    await c.waitFor((m) => m.type === "enqueued");
    await new Promise((r) => setTimeout(r, 300));
    let terminated = 0;
    for (let k = 0; k < 2; k++) {
      const rows = await sql(db.url.replace(/\/[^/]*$/, "/postgres"), `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [db.name]);
      terminated += rows.length;
      await new Promise((r) => setTimeout(r, 200));
    }
    // A worker may die of it; restart any dead one under its executor id (DBOS then re-enqueues its runs).
    await new Promise((r) => setTimeout(r, 500));
    const restarted: string[] = [];
    for (const who of ["w1", "w3"]) {
      const w = workers.get(who)!;
      if (w.child.exitCode !== null || w.child.signalCode !== null) {
        restarted.push(who);
        await startWorker(who).waitFor((m) => m.type === "ready", 30_000);
      }
    }
    const clientDied = await Promise.race([c.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
    let results: any[];
    if (clientDied && !c.messages.some((m) => m.type === "done")) {
      // The client itself lost its connection for good: a new client attaches to the same runs.
      const again = client("fan", { FLOWSPEC_RUNS: String(runs), FLOWSPEC_BRANCHES: String(BRANCHES), FLOWSPEC_PREFIX: "term", FLOWSPEC_ATTACH: "1" });
      results = (await again.waitFor((m) => m.type === "done", 60_000)).results;
    } else results = (await c.waitFor((m) => m.type === "done", 60_000)).results;
    console.log(`[tests/dbos] pg_terminate_backend: ${terminated} backends terminated; workers restarted: ${JSON.stringify(restarted)}; client survived: ${!clientDied}`);
    expect(results.filter((r: any) => !r.ok)).toEqual([]);
    const [{ n }] = await sql(db.url, `SELECT count(*)::int AS n FROM dbos.workflow_status WHERE workflow_uuid LIKE 'term-%' AND status <> 'SUCCESS'`);
    expect(n).toBe(0);
  }, 90_000);
});
