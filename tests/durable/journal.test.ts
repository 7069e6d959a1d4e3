// The journal's guards and isolation: workflow mismatches, damaged files, concurrent runs, the codec.

import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildRunEnv,
  decodeTick,
  encodeTick,
  JournalMismatchError,
  MemoryJournal,
  parseEntry,
  RunExistsError,
  WorkflowRuntimeError,
  Workflow,
  WorkflowTimeoutError,
  type WorkflowDefinition,
  type WorkflowOptions,
} from "flowspec/runtime";
import { JournalFileError, SqliteJournal } from "../../sqlite/index.js";
import { ChunkDone, DurableFlowBase, Progress } from "../../generated/durable.js";
import { DurableFlow, chunkValue } from "../../specs/support/durable-flow.js";
import { startChild } from "./support/child.js";

const dir = mkdtempSync(join(tmpdir(), "flowspec-journal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name = "runs") => join(dir, `${name}-${++n}.db`);
const fast = () => ({ delay: () => new Promise<void>((r) => setTimeout(r, 0)), effect: () => undefined });

function expectedTotal(rounds: number, width: number): number {
  let total = 0;
  for (let r = 0; r < rounds; r++) for (let p = 0; p < width; p++) total += chunkValue(r, p);
  return total;
}

/** Runs the crash child and kills it once the run has journaled some progress. */
async function crashedRun(file: string, runId: string): Promise<void> {
  const child = await startChild("crash-child", { JOURNAL: file, EFFECTS: join(dir, "effects.log"), RUN_ID: runId, ROUNDS: "30", WIDTH: "3", DELAY_MS: "4" });
  await child.waitFor(/READY/);
  await new Promise((r) => setTimeout(r, 120));
  child.child.kill("SIGKILL");
  expect((await child.exited).signal).toBe("SIGKILL");
}

describe("JournalMismatchError", () => {
  it("refuses to resume a run journaled by another version of the workflow, naming what differs", async () => {
    const file = fresh();
    await crashedRun(file, "v1-run");
    // Version 2 of the spec: step "work" renamed to "compute", event Progress removed.
    const v1 = DurableFlowBase.definition;
    const v2: WorkflowDefinition = {
      ...v1,
      events: v1.events.filter((e) => e !== Progress),
      steps: v1.steps.map((s) => (s.name === "work" ? { ...s, name: "compute", method: "work" } : s)),
    };
    // Its class: the same step code on the changed definition (as regenerating the spec would give).
    class DurableFlowV2 extends Workflow<any, any, any, any> {
      constructor(options: WorkflowOptions<any>) {
        super(v2, options);
      }
    }
    Object.assign(DurableFlowV2.prototype, Object.fromEntries(["begin", "fanOut", "work", "gather", "nextRound"].map((m) => [m, (DurableFlow.prototype as any)[m]])));
    const journal = new SqliteJournal(file);
    const flowV2 = new DurableFlowV2({ journal, resources: { probe: fast } });
    let error: unknown;
    try {
      flowV2.resume("v1-run");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JournalMismatchError);
    const mismatch = error as JournalMismatchError;
    expect(mismatch.message).toContain("v1-run");
    // What breaks this run (tests/deploy has the rule): its stream holds Progress events; an added step does not break it.
    expect(mismatch.differences).toContain('event "Progress" was removed or renamed, and this run holds one');
    for (const difference of mismatch.differences) {
      expect(['event "Progress" was removed or renamed, and this run holds one', 'step "work" was removed or renamed, and this run has work pending there']).toContain(difference);
    }
    const refused = await flowV2.resumeAll(); // reports the run, resumes the others
    expect(refused).toHaveLength(0);
    expect(refused.skipped.map((r) => r.runId)).toEqual(["v1-run"]);
    expect(refused.skipped[0]!.error).toBeInstanceOf(JournalMismatchError);
    // The journal is untouched by the refusal: the right version still finishes the run.
    const ok = new DurableFlow({ journal, resources: { probe: fast } });
    const [handler] = await ok.resumeAll();
    expect(await handler).toMatchObject({ rounds: 30, total: expectedTotal(30, 3) });
    journal.close();
  });
});

describe("damaged journal files", () => {
  function openError(file: string): Error {
    try {
      new SqliteJournal(file).close();
    } catch (error) {
      return error as Error;
    }
    throw new Error("opened without error");
  }

  it("a garbage file: a clear error naming the file", () => {
    const file = fresh("garbage");
    writeFileSync(file, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    const error = openError(file);
    expect(error).toBeInstanceOf(JournalFileError);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/not a SQLite database/);
  });

  it("a SQLite file of another program: refused and left untouched", () => {
    const file = fresh("other");
    const Database = createRequire(import.meta.url)("better-sqlite3");
    const db = new Database(file);
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada');");
    db.close();
    const before = readFileSync(file);
    const error = openError(file);
    expect(error).toBeInstanceOf(JournalFileError);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/another program/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("a truncated file: a clear error naming the file, never a replay", async () => {
    const file = fresh("truncated");
    const journal = new SqliteJournal(file);
    const flow = new DurableFlow({ journal, resources: { probe: fast } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => flow.run({ rounds: 3, width: 3 }, { runId: `t${i}` })));
    journal.close(); // checkpoints the WAL into the file
    expect(existsSync(`${file}-wal`)).toBe(false);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(16_384);
    truncateSync(file, Math.floor(size / 2 / 4096) * 4096 + 100);
    const error = openError(file);
    expect(error).toBeInstanceOf(JournalFileError);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/damaged|truncated/);
  });

  it("an empty file becomes a new journal", () => {
    const file = fresh("empty");
    closeSync(openSync(file, "w"));
    const journal = new SqliteJournal(file);
    expect(journal.list()).toEqual([]);
    journal.close();
  });

  it("a torn last write (WAL cut mid-frame) loses only the uncommitted tail; the run resumes correctly", async () => {
    const file = fresh("torn");
    await crashedRun(file, "torn");
    const wal = `${file}-wal`;
    expect(existsSync(wal)).toBe(true);
    // Keep a copy of the untorn WAL to compare how much was committed.
    copyFileSync(wal, `${wal}.bak`);
    const walSize = statSync(wal).size;
    truncateSync(wal, walSize - 1000);
    const journal = new SqliteJournal(file);
    const before = journal.getRun("torn")!;
    expect(before.status).toBe("running");
    const flow = new DurableFlow({ journal, resources: { probe: fast } });
    const [handler] = await flow.resumeAll();
    expect(await handler).toMatchObject({ rounds: 30, total: expectedTotal(30, 3) });
    expect(handler!.ctx.store.getState().totals).toHaveLength(30);
    journal.close();
  });

  it("a missing file with mustExist: a clear error", () => {
    expect(() => new SqliteJournal(join(dir, "nope.db"), { mustExist: true })).toThrow(/nope\.db: no such journal file/);
  });
});

describe("concurrency", () => {
  it("100 concurrent journaled runs in one process: none sees another's ticks", async () => {
    const file = fresh("concurrent");
    const journal = new SqliteJournal(file);
    const flow = new DurableFlow({ journal, resources: { probe: fast } });
    const inputs = Array.from({ length: 100 }, (_, i) => ({ rounds: 1 + (i % 3), width: 1 + (i % 4) }));
    const handlers = inputs.map((input, i) => flow.run(input, { runId: `c${i}` }));
    const results = await Promise.all(handlers);
    results.forEach((r, i) => expect(r).toMatchObject({ rounds: inputs[i]!.rounds, total: expectedTotal(inputs[i]!.rounds, inputs[i]!.width) }));
    const env = buildRunEnv(DurableFlowBase.definition);
    for (let i = 0; i < 100; i++) {
      const { rounds, width } = inputs[i]!;
      // Every tick of run i is about run i: its start input, and chunks within its own rounds and width.
      const entries = journal.read(`c${i}`);
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, k) => k + 1));
      for (const stored of entries) {
        const entry = parseEntry(stored);
        if (entry.kind !== "tick") continue;
        const tick = decodeTick(entry.tick, env, {});
        if (tick.type === "run_started") expect(tick.start).toMatchObject({ rounds, width });
        if (tick.type === "attempt_succeeded" && tick.result instanceof ChunkDone) {
          expect(tick.result.round).toBeLessThan(rounds);
          expect(tick.result.part).toBeLessThan(width);
        }
      }
      // And its rebuilt state and replayed stream are its own.
      const again = flow.resume(`c${i}`);
      expect(again.ctx.store.get("config")).toEqual({ rounds, width });
      expect(again.ctx.store.getState().totals).toHaveLength(rounds);
      let chunks = 0;
      for await (const ev of again.streamEvents({ from: 0 })) if (ev instanceof Progress && ev.message.startsWith("chunk")) chunks++;
      expect(chunks).toBe(rounds * width);
    }
    expect(journal.list({ workflow: "DurableFlow", status: "completed" })).toHaveLength(100);
    journal.close();
  });
});

describe("journal API", () => {
  it("refuses a second run with the same runId, and resumes finished runs as they ended", async () => {
    const journal = new MemoryJournal();
    const flow = new DurableFlow({ journal, resources: { probe: fast } });
    await flow.run({ rounds: 1, width: 1 }, { runId: "same" });
    await expect(flow.run({ rounds: 1, width: 1 }, { runId: "same" })).rejects.toBeInstanceOf(RunExistsError); // rejects, never throws
    expect(() => flow.resume("unknown")).toThrow(/No run "unknown" in journal memory/);
    expect(await flow.resume("same")).toMatchObject({ rounds: 1, total: chunkValue(0, 0) });
    expect(typeof flow.run({ rounds: 1, width: 1 }).runId).toBe("string"); // a generated UUID
  });

  it("a failed run resumes as failed, with its error revived", async () => {
    const journal = new MemoryJournal();
    class Failing extends DurableFlow {
      override async work(): Promise<ChunkDone> {
        throw new Error("boom");
      }
    }
    const flow = new Failing({ journal, resources: { probe: fast } });
    await expect(flow.run({ rounds: 1, width: 1 }, { runId: "f" })).rejects.toBeInstanceOf(WorkflowRuntimeError);
    expect(journal.getRun("f")!.status).toBe("failed");
    const again = flow.resume("f");
    await expect(again).rejects.toBeInstanceOf(WorkflowRuntimeError);
    await expect(again).rejects.toMatchObject({ step: "work", cause: { message: "boom" } });
  });

  it("the tick codec round-trips ticks, events and errors", () => {
    const env = buildRunEnv(DurableFlowBase.definition);
    const error = new WorkflowTimeoutError("late", 3, ["work"]);
    const ticks = [
      { type: "attempt_succeeded" as const, step: "work", seq: 3, attempt: 1, result: new ChunkDone({ round: 0, part: 1, value: 9 }) },
      { type: "attempt_failed" as const, step: "work", seq: 3, attempt: 1, error: new WorkflowRuntimeError("x", { step: "work", cause: error }) },
      { type: "store_set" as const, key: "k", value: { a: [1, 2] } },
    ];
    for (const tick of ticks) {
      const back = decodeTick(JSON.parse(JSON.stringify(encodeTick(tick))), env);
      expect(back).toEqual(tick);
    }
    const failed = decodeTick(JSON.parse(JSON.stringify(encodeTick(ticks[1]!))), env) as { error: WorkflowRuntimeError };
    expect(failed.error).toBeInstanceOf(WorkflowRuntimeError);
    expect(failed.error.cause).toBeInstanceOf(WorkflowTimeoutError);
    expect((failed.error.cause as WorkflowTimeoutError).activeSteps).toEqual(["work"]);
    expect(() => decodeTick({ type: "stream_written", event: { type: "Nope", data: {} } }, env)).toThrow(JournalMismatchError);
  });

  it("snapshots bound the replay: resume reads only the ticks after the latest snapshot", async () => {
    const journal = new MemoryJournal();
    const flow = new DurableFlow({ journal, snapshotEvery: 50, resources: { probe: fast } });
    await flow.run({ rounds: 10, width: 3 }, { runId: "snap" });
    const snapshot = journal.latestSnapshot("snap")!;
    expect(snapshot.seq).toBeGreaterThan(journal.getRun("snap")!.lastSeq - 120);
    const again = new DurableFlow({ journal, resources: { probe: fast } }).resume("snap");
    expect(again.ctx.store.getState().totals).toHaveLength(10);
  });
});
