// flowspec/dbos run semantics, with real processes over real Postgres (issue 15): reads of a run's
// values from any process, handler.status, sends refused as in memory, resume of a cancelled run,
// queue settings owned by workers, two clusters (appNames) on one database, commitBeforeSteps, the
// version gap and absolute run deadlines. Postgres as in cluster.test.ts (FLOWSPEC_PG_URL; a missing
// Postgres fails under CI=true, skips otherwise).

import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, holdPostgres, pollUntil, readSideEffects, sleep, sql, startChild, stopChild, type Child } from "./support/harness.js";
import { requirePostgres } from "./support/require-postgres.js";

const problem = await requirePostgres("flowspec/dbos semantics");
const releases: (() => void)[] = [];

const sideFile = join(tmpdir(), `flowspec-dbos-sem-${process.pid}.txt`);
const goFile = join(tmpdir(), `flowspec-dbos-go-${process.pid}`);

const sideEffects = () => readSideEffects(sideFile);

describe.skipIf(problem !== null)("flowspec/dbos semantics (Postgres, child processes)", () => {
  let db: { name: string; url: string };
  const children: Child[] = [];
  const env = (extra: Record<string, string> = {}) => ({ FLOWSPEC_PG_URL: db.url, FLOWSPEC_SIDE_FILE: sideFile, FLOWSPEC_GO_FILE: goFile, FLOWSPEC_STEP_MS: "20", ...extra });
  const start = (script: string, extra: Record<string, string>) => {
    const c = startChild(script, env(extra));
    children.push(c);
    return c;
  };
  const worker = (who: string, extra: Record<string, string> = {}) => start("worker.ts", { FLOWSPEC_WHO: who, ...extra });
  const client = (mode: string, extra: Record<string, string> = {}) => start("client.ts", { FLOWSPEC_MODE: mode, ...extra });

  beforeAll(async () => {
    rmSync(sideFile, { force: true });
    releases.push(await holdPostgres("shared")); // the outage test stops Postgres: not while this file uses it
    db = await createDatabase();
    // The main cluster (appName "flowspec", strict checkpoints): two workers with workerConcurrency 8.
    await Promise.all(["s1", "s2"].map((who) => worker(who, { FLOWSPEC_WORKER_CONCURRENCY: "8", FLOWSPEC_CHECK_COMMIT: "1" }).waitFor((m) => m.type === "ready", 60_000)));
  }, 300_000); // may wait for the outage test to give Postgres back

  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
    if (db !== undefined) await dropDatabase(db.name).catch((e) => console.warn(`could not drop ${db.name}: ${e.message}`));
    for (const release of releases.splice(0)) release();
    rmSync(sideFile, { force: true });
  }, 30_000);

  it("handler.state() and handler.store() return the run's values from another process; synchronous reads throw naming them", async () => {
    const { out } = await client("reads", { FLOWSPEC_RUN_ID: "reads-1" }).waitFor((m) => m.type === "done", 40_000);
    expect(out.statusAtStart).toBe("running");
    expect(out.state).toEqual({ loops: 3 }); // the default is { loops: 0 }
    expect(out.store).toEqual({ seen: "loop 3" });
    expect(out.status).toBe("running");
    expect(out.beforeKnown.error).toMatchObject({ name: "RemoteRunError", message: expect.stringContaining("handler.readStatus()") });
    expect(out.attached).toEqual({ status: "running", state: { loops: 3 }, store: { seen: "loop 3" } });
    for (const key of ["getState", "get", "toJSON"]) {
      expect(out.sync[key].error).toMatchObject({ name: "RemoteRunError", message: expect.stringContaining("await handler.state()") });
    }
    expect(out.sync.ctxStatus.error).toMatchObject({ name: "RemoteRunError", message: expect.stringContaining("handler.status") });
    expect(out.result).toMatchObject({ loops: 3 });
    expect(out.final).toBe("completed");
    expect(out.finalState).toEqual({ loops: 3 });
  }, 60_000);

  it("handler.status is waiting while a run waits for a human, then completed", async () => {
    const { out } = await client("waiting", { FLOWSPEC_RUN_ID: "waiting-1" }).waitFor((m) => m.type === "done", 40_000);
    expect(out.waiting).toBe("waiting");
    expect(out.info).toEqual({ status: "waiting", reason: "waiting for an event from outside" });
    expect(out.final).toBe("completed");
  }, 60_000);

  it("sends: an event no step accepts throws at once, a finished run rejects; a cancelled run resumes with the answer sent meanwhile", async () => {
    const { out } = await client("messages").waitFor((m) => m.type === "done", 40_000);
    expect(out.unaccepted.error).toMatchObject({ name: "WorkflowRuntimeError", message: expect.stringContaining("no step that accepts LoopEvent") });
    expect(out.unaccepted.error.message).toContain("HumanResponseEvent");
    expect(out.finished.error).toMatchObject({ name: "WorkflowRuntimeError", message: expect.stringMatching(/"msg-done" has completed/) });
    expect(out.raced.error).toMatchObject({ name: "WorkflowRuntimeError", message: expect.stringMatching(/"msg-done" has completed/) });
    // Its message is not left in the run's inbox as if it had been taken.
    expect(await sql(db.url, `SELECT 1 FROM dbos.notifications WHERE destination_uuid = 'msg-done' AND consumed = false`)).toEqual([]);
    expect(out.cancelled.error).toMatchObject({ name: "WorkflowCancelledError" });
    expect(out.cancelledStatus).toBe("cancelled");
    expect(out.resumed.value).toEqual({ answer: "after the cancel", by: expect.any(String) });
    expect(out.resumedStatus).toBe("completed");
    expect(out.seen).toEqual(["InputRequiredEvent", "StopEvent"]);
    // The asking step's outcome was checkpointed before the cancel: it did not run again.
    expect(sideEffects().filter((e) => e.runId === "msg-ask" && e.what === "ask").length).toBe(1);
  }, 60_000);

  it("an event sent to a busy run (a step running, no recv armed) is taken while the run still runs", async () => {
    const c = client("busy-send", { FLOWSPEC_RUN_ID: "busy-1" });
    await c.waitFor((m) => m.type === "sent", 40_000);
    // The delivery is journaled (an event_sent tick; format 2 stores a batch as its JSON text) while step_two still waits.
    const needle = `"first_output":"from outside"`;
    const journaled = async () =>
      (await sql(db.url, `SELECT count(*)::int AS n FROM dbos.operation_outputs WHERE workflow_uuid = 'busy-1' AND function_name = 'flowspec.tick' AND (position($1 in output) > 0 OR position($2 in output) > 0)`, [needle, JSON.stringify(needle).slice(1, -1)]))[0].n > 0;
    let seen = false;
    for (let i = 0; i < 200 && !seen; i++) {
      seen = await journaled();
      if (!seen) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toBe(true);
    expect((await sql(db.url, `SELECT status FROM dbos.workflow_status WHERE workflow_uuid = 'busy-1'`))[0].status).toBe("PENDING");
    writeFileSync(`${goFile}.busy-1`, "go");
    const { out } = await c.waitFor((m) => m.type === "done", 40_000);
    expect(out.result).toMatchObject({ loops: 3 });
    expect(out.final).toBe("completed");
  }, 60_000);

  it("a client never rewrites the workers' queue settings", async () => {
    const read = () => sql<{ name: string; worker_concurrency: number }>(db.url, `SELECT name, worker_concurrency FROM dbos.queues WHERE name LIKE 'flowspec.%' ORDER BY name`);
    const before = await read();
    expect(before.length).toBe(3);
    expect(before.every((q) => q.worker_concurrency === 8)).toBe(true);
    await client("idle").waitFor((m) => m.type === "done", 30_000); // default options: workerConcurrency 100
    expect(await read()).toEqual(before);
  }, 40_000);

  it("two clusters share one database: queue names carry appName; each app's runs stay on its workers", async () => {
    await worker("g1", { FLOWSPEC_APP: "green", FLOWSPEC_COMMIT: "0", FLOWSPEC_CHECK_COMMIT: "1" }).waitFor((m) => m.type === "ready", 60_000);
    const green = client("fan", { FLOWSPEC_APP: "green", FLOWSPEC_RUNS: "6", FLOWSPEC_BRANCHES: "6", FLOWSPEC_PREFIX: "green" });
    const main = client("fan", { FLOWSPEC_RUNS: "6", FLOWSPEC_BRANCHES: "6", FLOWSPEC_PREFIX: "main" });
    const [g, m] = await Promise.all([green.waitFor((x) => x.type === "done", 60_000), main.waitFor((x) => x.type === "done", 60_000)]);
    expect(g.results.filter((r: any) => !r.ok)).toEqual([]);
    expect(m.results.filter((r: any) => !r.ok)).toEqual([]);
    expect(new Set(g.results.map((r: any) => r.by))).toEqual(new Set(["g1"]));
    expect(g.results.length).toBe(6);
    for (const r of m.results) expect(["s1", "s2"]).toContain(r.by);
    const queues = (await sql<{ name: string }>(db.url, `SELECT name FROM dbos.queues ORDER BY name`)).map((q) => q.name);
    expect(queues.filter((q) => q.startsWith("green.")).length).toBe(3);
  }, 90_000);

  it("a run dispatched again to the process that runs it (a peer recovered it) continues there: the stale execution stops", async () => {
    await worker("solo-1", { FLOWSPEC_APP: "solo", FLOWSPEC_FLOWS: "hitl" }).waitFor((m) => m.type === "ready", 60_000);
    const c = client("redispatch", { FLOWSPEC_APP: "solo", FLOWSPEC_RUN_ID: "redispatch-1" });
    const asked = await c.waitFor((m) => m.type === "asked", 30_000);
    expect(asked.owner).toBe("solo-1");
    // What a peer's recovery does (DBOS recoverPendingWorkflows): back on its queue, unowned. solo-1 is the only worker of its app.
    await sql(db.url, `UPDATE dbos.workflow_status SET status = 'ENQUEUED', owner_xid = NULL, started_at_epoch_ms = NULL WHERE workflow_uuid = 'redispatch-1'`);
    await pollUntil(async () => (await sql(db.url, `SELECT status FROM dbos.workflow_status WHERE workflow_uuid = 'redispatch-1'`))[0].status !== "ENQUEUED", 50);
    c.send({ type: "go" });
    const { out } = await c.waitFor((m) => m.type === "done", 30_000);
    expect(out.result.value).toEqual({ answer: "again", by: "solo-1" });
    expect(out.status).toBe("completed");
    expect(sideEffects().filter((e) => e.runId === "redispatch-1" && e.what === "ask").length).toBe(1);
  }, 90_000);

  it("liveness: a live worker whose heartbeat row was reaped re-registers (an upsert)", async () => {
    await sql(db.url, `DELETE FROM flowspec.workers WHERE executor_id = 's1'`); // what a peer's reaper does
    let rows: unknown[] = [];
    await pollUntil(async () => {
      rows = await sql(db.url, `SELECT executor_id FROM flowspec.workers WHERE executor_id = 's1' AND heartbeat_at > now() - interval '5 seconds'`);
      return rows.length > 0;
    }, 100);
    expect(rows.length).toBe(1);
    const s1 = children.find((ch) => ch.messages.some((m) => m.type === "ready" && m.who === "s1"))!;
    expect(s1.stderr()).toContain("worker s1 had been reaped by a peer");
  }, 30_000);

  it("no run stays on an executor that nobody recovers: a dead worker without a heartbeat row has its runs recovered", async () => {
    const pair = ["orph-1", "orph-2"].map((who) => worker(who, { FLOWSPEC_APP: "orph", FLOWSPEC_FLOWS: "hitl" }));
    await Promise.all(pair.map((w) => w.waitFor((m) => m.type === "ready", 60_000)));
    const c = client("redispatch", { FLOWSPEC_APP: "orph", FLOWSPEC_RUN_ID: "orphan-1" });
    const asked = await c.waitFor((m) => m.type === "asked", 30_000);
    const owner = pair.find((w) => w.messages.some((m) => m.type === "ready" && m.who === asked.owner))!;
    owner.child.kill("SIGKILL");
    await owner.exited;
    // It died without a row (reaped earlier, killed before re-registering): no heartbeat says it is stale.
    await sql(db.url, `DELETE FROM flowspec.workers WHERE executor_id = $1`, [asked.owner]);
    c.send({ type: "go" });
    const { out } = await c.waitFor((m) => m.type === "done", 40_000);
    expect(out.result.value).toEqual({ answer: "again", by: pair.find((w) => w !== owner)!.messages.find((m) => m.type === "ready").who });
    expect(sideEffects().filter((e) => e.runId === "orphan-1" && e.what === "ask").length).toBe(1);
  }, 120_000);

  it("commitBeforeSteps: by default a step body starts only once its triggering event is checkpointed; with false it may start before", async () => {
    // The `process` bodies of the two fan loads above asked Postgres, first thing, whether the event that triggered them was checkpointed.
    const commits = sideEffects().filter((e) => e.what.startsWith("commit:"));
    const strict = commits.filter((e) => e.runId.startsWith("main-"));
    const lenient = commits.filter((e) => e.runId.startsWith("green-"));
    expect(strict.length).toBe(36);
    expect(lenient.length).toBe(36);
    const unrecorded = (xs: typeof commits) => xs.filter((e) => e.what.endsWith(":unrecorded")).length;
    console.log(`[tests/dbos] commitBeforeSteps: strict ${unrecorded(strict)} of ${strict.length} bodies started before their event was checkpointed; lenient ${unrecorded(lenient)} of ${lenient.length}`);
    expect(unrecorded(strict)).toBe(0);
    expect(unrecorded(lenient)).toBeGreaterThan(0);
  }, 10_000);
});

describe.skipIf(problem !== null)("flowspec/dbos version gap and deadlines (Postgres, child processes)", () => {
  let db: { name: string; url: string };
  const children: Child[] = [];
  // step_two of the Loop flow waits for a go file that no one writes here.
  const env = (extra: Record<string, string> = {}) => ({ FLOWSPEC_PG_URL: db.url, FLOWSPEC_SIDE_FILE: sideFile, FLOWSPEC_GO_FILE: `${goFile}-never`, FLOWSPEC_STEP_MS: "20", FLOWSPEC_TIMEOUT: "3", ...extra });
  const start = (script: string, extra: Record<string, string>) => {
    const c = startChild(script, env(extra));
    children.push(c);
    return c;
  };

  beforeAll(async () => {
    releases.push(await holdPostgres("shared")); // the outage test stops Postgres: not while this file uses it
    db = await createDatabase();
  }, 300_000); // may wait for the outage test to give Postgres back

  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
    if (db !== undefined) await dropDatabase(db.name).catch((e) => console.warn(`could not drop ${db.name}: ${e.message}`));
    for (const release of releases.splice(0)) release();
  }, 30_000);

  it("a run queued for a version no live worker serves says so, is logged once, and its timeout counts while it waits", async () => {
    const d1 = start("worker.ts", { FLOWSPEC_WHO: "d1", FLOWSPEC_FLOWS: "fan,loop" });
    await d1.waitFor((m) => m.type === "ready", 60_000);
    const c = start("client.ts", { FLOWSPEC_MODE: "gap", FLOWSPEC_RUN_ID: "gap-1" });
    const gap = await c.waitFor((m) => m.type === "gap", 40_000);
    expect(gap.info.status).toBe("waiting");
    expect(gap.info.reason).toMatch(/^waiting for a worker of version [0-9a-f]{16}$/);
    expect(gap.status).toBe("waiting");
    // Past the 3 s run timeout, a worker of that version arrives: the run times out at once, its step never ran.
    await sleep(3500);
    const d2 = start("worker.ts", { FLOWSPEC_WHO: "d2", FLOWSPEC_FLOWS: "hitl" });
    const { out } = await c.waitFor((m) => m.type === "done", 40_000);
    expect(out.result.error).toMatchObject({ name: "WorkflowTimeoutError" });
    expect(out.final).toBe("timed_out");
    expect(sideEffects().filter((e) => e.runId === "gap-1").length).toBe(0);
    const logged = [d1, d2].map((w) => w.stderr().split("\n").filter((l) => l.includes("run gap-1 is waiting for a worker of version")).length);
    expect(logged.reduce((a, b) => a + b, 0)).toBe(1);
  }, 90_000);

  it("the run deadline is absolute: a run recovered after its deadline times out at once, without running its step again", async () => {
    const c = start("client.ts", { FLOWSPEC_MODE: "deadline", FLOWSPEC_RUN_ID: "deadline-1" });
    await c.waitFor((m) => m.type === "enqueued", 30_000);
    // step_two starts on d1 (the only worker serving loop) and waits for a go file that never comes.
    await pollUntil(() => sideEffects().some((e) => e.runId === "deadline-1" && e.what === "two"));
    const owner = children.find((ch) => ch.messages.some((m) => m.type === "ready" && m.who === "d1"))!;
    owner.child.kill("SIGKILL");
    await owner.exited;
    await sleep(3500); // past the 3 s deadline, with nobody serving the run
    start("worker.ts", { FLOWSPEC_WHO: "d3", FLOWSPEC_FLOWS: "loop" });
    const { out } = await c.waitFor((m) => m.type === "done", 40_000);
    expect(out.result.error).toMatchObject({ name: "WorkflowTimeoutError" });
    expect(out.final).toBe("timed_out");
    // Recovered past its deadline, the run did not dispatch step_two again.
    expect(sideEffects().filter((e) => e.runId === "deadline-1" && e.what === "two").map((e) => e.who)).toEqual(["d1"]);
  }, 90_000);

  it("a worker serves the runs of an earlier version it can continue (no old workers needed); one of a breaking version waits for its own, and times out in the process awaiting it", async () => {
    const ok = start("old-client.ts", { FLOWSPEC_VARIANT: "compatible", FLOWSPEC_RUN_ID: "old-ok" });
    const bad = start("old-client.ts", { FLOWSPEC_VARIANT: "breaking", FLOWSPEC_RUN_ID: "old-bad", FLOWSPEC_CLIENT_TIMEOUT: "4" });
    await ok.waitFor((m) => m.type === "enqueued", 60_000);
    await bad.waitFor((m) => m.type === "enqueued", 60_000);
    const w = start("worker.ts", { FLOWSPEC_WHO: "v2", FLOWSPEC_FLOWS: "loop", FLOWSPEC_LOG_TIME: "1" });
    await w.waitFor((m) => m.type === "ready", 60_000);
    // The compatible run is dequeued and runs on the new worker: step_two (after three loops) starts.
    await pollUntil(() => sideEffects().some((e) => e.runId === "old-ok" && e.what === "two"));
    expect(sideEffects().filter((e) => e.runId === "old-ok" && e.what === "two").map((e) => e.who)).toEqual(["v2"]);
    expect(w.stderr()).toMatch(/also serves runs of LoopFlow version [0-9a-f]{16} \(a compatible earlier version\)/);
    expect(w.stderr().match(/also serves runs of LoopFlow/g)?.length).toBe(1);
    // The breaking one is left to a worker of its version, which never comes: it waits, then its
    // handler rejects past its deadline, naming the gap. In Postgres it stays queued.
    bad.send({ type: "inspect" });
    const { info } = await bad.waitFor((m) => m.type === "info", 20_000);
    expect(info).toMatchObject({ status: "waiting" });
    expect(info.reason).toMatch(/^waiting for a worker of version [0-9a-f]{16}$/);
    const { out } = await bad.waitFor((m) => m.type === "done", 40_000);
    expect(out.result.error).toMatchObject({ name: "WorkflowTimeoutError" });
    expect(out.result.error.message).toMatch(/run "old-bad" timed out after 4s waiting for a worker of version [0-9a-f]{16}/);
    expect(out.final).toBe("waiting");
    expect(sideEffects().filter((e) => e.runId === "old-bad").length).toBe(0);
  }, 120_000);
});
