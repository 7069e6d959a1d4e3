// On a SQLite journal, runs and their streams survive the server: SIGKILL the server process
// while a run waits for a human, start a new one on the same journal, and the run is there
// (running), a reader resuming with Last-Event-ID gets exactly the events after it, the answer
// is taken, and the run completes; a run finished before the kill is served with its result.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { SqliteJournal } from "flowspec/sqlite";
import { TrivialFlow } from "./support/flows.js";
import { readUntil, serve, sseFrames } from "./support/http.js";

const dir = mkdtempSync(join(tmpdir(), "flowspec-server-"));
const journal = join(dir, "runs.db");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function startServer(): Promise<{ url: string; skipped: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--no-warnings", "--import", "./tests/durable/support/register.mjs", "tests/server/support/server-child.ts"], {
    env: { ...process.env, JOURNAL: journal },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const m = /LISTENING (\S+) (\d+)/.exec(out);
      if (m) resolve({ url: m[1]!, skipped: Number(m[2]), child });
    });
    child.stderr!.on("data", (chunk) => (err += chunk));
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

test("SIGKILL mid-run, restart on the same journal: the run, its stream and its cursor carry on with no duplicates", async () => {
  const a = await startServer();
  const finished = (await (await post(`${a.url}/workflows/trivial/run`, { handler_id: "done-before" })).json()) as { status: string; started_at: string; completed_at: string };
  expect(finished.status).toBe("completed");
  const started = await (await post(`${a.url}/workflows/demo/run-nowait`, { handler_id: "durable-1", start_event: { name: "Ada", count: 3 } })).json();
  expect(started).toMatchObject({ handler_id: "durable-1", run_id: "durable-1", status: "running" });
  const before = sseFrames(await readUntil(await fetch(`${a.url}/events/durable-1?after_sequence=-1`), (t) => t.includes('"AskApproval"')));
  expect(before.map((f) => f.id)).toEqual([0, 1, 2, 3]);

  a.child.kill("SIGKILL");
  await new Promise((resolve) => a.child.once("exit", resolve));

  const b = await startServer();
  expect(b.skipped).toBe(0);
  const waiting = await fetch(`${b.url}/handlers/durable-1`);
  expect(waiting.status).toBe(202);
  expect(await waiting.json()).toMatchObject({ handler_id: "durable-1", run_id: "durable-1", status: "running" });
  const done = await fetch(`${b.url}/handlers/done-before`);
  expect(done.status).toBe(200);
  expect(await done.json()).toMatchObject({ status: "completed", result: { type: "Done", value: { total: 2 } }, started_at: finished.started_at, completed_at: finished.completed_at });

  const resumed = fetch(`${b.url}/events/durable-1`, { headers: { "Last-Event-ID": "3" } }).then((r) => r.text());
  const sent = await post(`${b.url}/events/durable-1`, { event: { type: "Approval", value: { approved: true, comment: "after restart" } } });
  expect(sent.status).toBe(200);
  const after = sseFrames(await resumed);
  expect(after.map((f) => f.id)).toEqual([4, 5]);
  expect(after[1]!.data).toMatchObject({ type: "StopEvent", value: { result: { draft: "Hello, Ada!", approved: true, comment: "after restart" } } });

  const replay = sseFrames(await (await fetch(`${b.url}/events/durable-1?after_sequence=-1`)).text());
  expect(replay.slice(0, 4)).toEqual(before);
  expect(replay.map((f) => f.id)).toEqual([0, 1, 2, 3, 4, 5]);
  const final = await fetch(`${b.url}/handlers/durable-1`);
  expect(final.status).toBe(200);
  b.child.kill("SIGTERM");
}, 60_000);

test("on a journal, a handler evicted from memory by retention is served again from the journal; a reused id continues its numbering", async () => {
  const j = new SqliteJournal(join(dir, "evict.db"));
  const s = await serve({ workflows: { trivial: new TrivialFlow({ journal: j }) }, journal: j, retention: 1 });
  try {
    const first = await (await s.req("/workflows/trivial/run", { json: { handler_id: "old-1" } })).json();
    await s.req("/workflows/trivial/run", { json: { handler_id: "new-1" } });
    await s.req("/workflows/trivial/run", { json: { handler_id: "new-2" } });
    const listed = (await (await s.req("/handlers")).json()).handlers.map((h: { handler_id: string }) => h.handler_id);
    expect(listed).not.toContain("old-1"); // evicted
    const again = await s.req("/handlers/old-1");
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(sseFrames(await (await s.req("/events/old-1?after_sequence=-1")).text()).map((f) => f.data.type)).toEqual(["Done"]);
    const reused = await (await s.req("/workflows/trivial/run", { json: { handler_id: "old-1" } })).json();
    expect(reused).toMatchObject({ handler_id: "old-1", run_id: "old-1.2", status: "completed" });
    expect(await (await s.req("/handlers/old-1/cancel?purge=true", { method: "POST" })).json()).toEqual({ status: "deleted" });
    expect((await s.req("/handlers/old-1")).status).toBe(404);
    expect((await s.req("/handlers/never")).status).toBe(404);
    // Both runs of the handler left the journal too: a restarted server does not serve it again.
    expect([j.getRun("old-1"), j.getRun("old-1.2")]).toEqual([undefined, undefined]);
    expect(j.getRun("new-2")).toBeDefined();
  } finally {
    await s.close();
  }
  const restarted = await serve({ workflows: { trivial: new TrivialFlow({ journal: j }) }, journal: j });
  try {
    expect((await restarted.req("/handlers/old-1")).status).toBe(404);
  } finally {
    await restarted.close();
    j.close();
  }
});
