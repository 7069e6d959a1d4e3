// A run has one owner (DESIGN "Durable runs"): across workflow instances in a process and across
// processes sharing a journal file. Real processes, a real SQLite file.

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Context, HumanResponseEvent, InputRequiredEvent, RunOwnedError } from "flowspec/runtime";
import { HumanInTheLoopFlow as Hitl } from "../support/hitl-flow.js";
import { SqliteJournal } from "../../sqlite/index.js";
import { startChild } from "./support/child.js";

const Database = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");
const dir = mkdtempSync(join(tmpdir(), "flowspec-owner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


async function untilAsked(handler: ReturnType<Hitl["run"]>): Promise<void> {
  for await (const ev of handler.streamEvents()) if (ev instanceof InputRequiredEvent) return;
}

describe("one owner per run, in one process", () => {
  it("refuses a second instance's resume, and a second journal object's, naming who drives the run; other runs of the batch go on", async () => {
    const file = join(dir, "in-process.db");
    const journal = new SqliteJournal(file);
    const a = new Hitl({ journal, timeout: null });
    const b = new Hitl({ journal, timeout: null });
    const first = a.run(undefined, { runId: "r1" });
    await untilAsked(first);
    expect(() => b.resume("r1")).toThrow(RunOwnedError);
    expect(() => b.resume("r1")).toThrow(/driven by another workflow instance in this process/);
    const other = new SqliteJournal(file);
    expect(() => new Hitl({ journal: other }).resume("r1")).toThrow(new RegExp(`driven by process ${process.pid} on `));
    expect(a.resume("r1")).toBe(first); // the owning instance gets its own handler back

    const second = b.run(undefined, { runId: "r2" }); // shares commit batches with r1
    await untilAsked(second);
    first.ctx.sendEvent(new HumanResponseEvent({ response: "1" }));
    second.ctx.sendEvent(new HumanResponseEvent({ response: "2" }));
    expect(await first).toBe("got 1");
    expect(await second).toBe("got 2");
    expect(journal.list().map((r) => [r.runId, r.status])).toEqual([["r1", "completed"], ["r2", "completed"]]);
    other.close();
    journal.close();
  });

  it("refuses to restore a saved context into a run that is live, and the live run is unharmed", async () => {
    const journal = new SqliteJournal(join(dir, "restore.db"));
    const flow = new Hitl({ journal, timeout: null });
    const live = flow.run(undefined, { runId: "live" });
    await untilAsked(live);
    const copy = new Hitl({ journal, timeout: null });
    const restored = copy.run(undefined, { ctx: Context.fromJSON(copy, live.ctx.toJSON()) });
    await expect(restored).rejects.toBeInstanceOf(RunOwnedError);
    live.ctx.sendEvent(new HumanResponseEvent({ response: "ok" }));
    expect(await live).toBe("got ok");
    journal.close();
  });
});

describe("one owner per run, across processes", () => {
  it("refuses a run another live process drives, naming its pid; takes it over at once when that process dies", async () => {
    const file = join(dir, "cross.db");
    const holder = await startChild("owner-child", { JOURNAL: file, RUN_ID: "x", MODE: "hold" });
    await holder.waitFor(/ASKED/);
    const journal = new SqliteJournal(file);
    const flow = new Hitl({ journal, timeout: null });
    expect(() => flow.resume("x")).toThrow(new RegExp(`driven by process ${holder.child.pid} on `));
    const all = await flow.resumeAll();
    expect(all).toHaveLength(0);
    expect(all.skipped[0]!.error).toBeInstanceOf(RunOwnedError);

    holder.child.kill("SIGKILL");
    await holder.exited;
    const handler = flow.resume("x"); // a dead process on this host: no need to wait for the lease to lapse
    handler.ctx.sendEvent(new HumanResponseEvent({ response: "42" }));
    expect(await handler).toBe("got 42");
    journal.close();
  });

  it("takes over a run whose owner on another host let its lease lapse, and refuses one whose lease is current", async () => {
    const file = join(dir, "remote.db");
    const journal = new SqliteJournal(file);
    const starter = new Hitl({ journal, timeout: null });
    await untilAsked(starter.run(undefined, { runId: "remote" }));
    journal.close(); // this process drops the run, as if it had crashed
    const raw = new Database(file);
    const pretend = (until: number) => raw.prepare("UPDATE runs SET owner = ?, lease_until = ? WHERE run_id = 'remote'").run("4242@elsewhere/abc", until);
    pretend(Date.now() + 60_000);
    const reopened = new SqliteJournal(file);
    const flow = new Hitl({ journal: reopened, timeout: null });
    expect(() => flow.resume("remote")).toThrow(/driven by process 4242 on elsewhere/);
    pretend(Date.now() - 1);
    const handler = flow.resume("remote");
    handler.ctx.sendEvent(new HumanResponseEvent({ response: "late" }));
    expect(await handler).toBe("got late");
    raw.close();
    reopened.close();
  });

  it("fences a process that lost its lease: its next commit is refused, its handler rejects, and it writes nothing more", async () => {
    const file = join(dir, "fence.db");
    const owner = await startChild("owner-child", { JOURNAL: file, RUN_ID: "f", MODE: "steps" });
    await owner.waitFor(/STARTED/);
    const raw = new Database(file);
    raw.pragma("busy_timeout = 5000");
    const steal = raw.prepare("UPDATE runs SET owner = '4242@elsewhere/new', lease_until = ? WHERE run_id = 'f' RETURNING last_seq");
    const { last_seq: atSteal } = steal.get(Date.now() + 60_000) as { last_seq: number };
    const line = await owner.waitFor(/^(LOST|DONE)/);
    expect(line).toMatch(/^LOST .*run "f" is now driven by process 4242 on elsewhere; this process lost its lease/);
    expect((await owner.exited).code).toBe(0);
    const after = raw.prepare("SELECT last_seq, status FROM runs WHERE run_id = 'f'").get() as { last_seq: number; status: string };
    expect(after.last_seq).toBe(atSteal);
    expect(after.status).not.toBe("completed");
    raw.close();
  });
});

describe("a journaled context that is not live here", () => {
  it("refuses outside sends and store writes that would never reach the journal, instead of keeping them in memory", async () => {
    const journal = new SqliteJournal(join(dir, "not-live.db"));
    const flow = new Hitl({ journal, timeout: null });
    const handler = flow.run(undefined, { runId: "c" });
    await untilAsked(handler);
    handler.cancel();
    await handler.then(() => undefined, () => undefined);
    expect(() => handler.ctx.sendEvent(new HumanResponseEvent({ response: "lost?" }))).toThrow(/journaled and not live in this process: resume it first \(flow.resume\("c"\)\)/);
    expect(() => handler.ctx.store.set("k", 1)).toThrow(/journaled and not live/);
    // The way that works: resume, then send through the live handler.
    const resumed = flow.resume("c");
    resumed.ctx.sendEvent(new HumanResponseEvent({ response: "kept" }));
    expect(await resumed).toBe("got kept");
    journal.close();
  });

  it("journals what a fresh context held before its first run (it was lost on replay)", async () => {
    const file = join(dir, "seeded.db");
    const journal = new SqliteJournal(file);
    const flow = new Hitl({ journal, timeout: null });
    const ctx = new Context(flow);
    ctx.store.set("tenant", "acme");
    const handler = flow.run(undefined, { ctx, runId: "s" });
    await untilAsked(handler);
    handler.cancel(); // let go of the run; the next resume rebuilds it from the journal alone
    await handler.then(() => undefined, () => undefined);
    journal.close();
    const reopened = new SqliteJournal(file);
    const resumed = new Hitl({ journal: reopened, timeout: null }).resume("s");
    expect(await resumed.store()).toEqual({ tenant: "acme" });
    resumed.cancel();
    await resumed.then(() => undefined, () => undefined);
    reopened.close();
  });
});
