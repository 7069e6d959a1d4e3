// Crash loop: a child runs a DurableFlow run (loop + fan-out/fan-in + state, store and stream
// writes) against a SQLite journal file and is SIGKILLed at random points (fixed seed), then
// restarted with resumeAll(), until the run completes. The result, state, store and replayed
// stream must equal an uninterrupted run's, and no step whose outcome was journaled may run again.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryJournal } from "flowspec/runtime";
import { SqliteJournal } from "../../sqlite/index.js";
import { DurableFlow } from "../../specs/support/durable-flow.js";
import { effectCounts, journaledOutcomes } from "./support/analyze.js";
import { startChild } from "./support/child.js";

const ROUNDS = 40;
const WIDTH = 4;
const TARGET_KILLS = 60;
const MIN_KILLS = 50;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dir = mkdtempSync(join(tmpdir(), "flowspec-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quietProbe = () => ({ delay: () => new Promise<void>((r) => setTimeout(r, 0)), effect: () => undefined });

async function observe(flow: DurableFlow, runId: string) {
  const handler = flow.resume(runId);
  const result = await handler;
  const stream: string[] = [];
  for await (const ev of handler.streamEvents({ from: 0 })) stream.push(`${ev.constructor.name} ${JSON.stringify(ev)}`);
  const json = handler.ctx.toJSON();
  return { result: JSON.stringify(result), state: json.state, store: json.store, stream };
}

describe("crash loop", () => {
  it(`survives ${MIN_KILLS}+ SIGKILLs at random points with an identical outcome and no journaled step re-run`, async () => {
    // The uninterrupted reference (in memory: same runtime, same journal path through the writer).
    const memory = new MemoryJournal();
    const reference = new DurableFlow({ journal: memory, resources: { probe: quietProbe } });
    await reference.run({ rounds: ROUNDS, width: WIDTH }, { runId: "crash" });
    const expected = await observe(reference, "crash");

    const file = join(dir, "runs.db");
    const effects = join(dir, "effects.log");
    writeFileSync(effects, "");
    const random = prng(20260521);
    const checkpoints: { journaled: Set<string>; counts: Map<string, number> }[] = [];
    let kills = 0;
    let finished = false;
    for (let gen = 0; gen < TARGET_KILLS + 20 && !finished; gen++) {
      const child = await startChild("crash-child", {
        JOURNAL: file,
        EFFECTS: effects,
        RUN_ID: "crash",
        ROUNDS: String(ROUNDS),
        WIDTH: String(WIDTH),
        GEN: String(gen),
        DELAY_MS: "4",
      });
      await child.waitFor(/READY/);
      if (kills < TARGET_KILLS) {
        const delay = Math.floor(random() * 30);
        await new Promise((r) => setTimeout(r, delay));
        child.child.kill("SIGKILL");
      }
      const exit = await child.exited;
      if (exit.signal === "SIGKILL") {
        kills++;
        const journal = new SqliteJournal(file);
        checkpoints.push({ journaled: existsSync(file) ? journaledOutcomes(journal, "crash") : new Set(), counts: effectCounts(readFileSync(effects, "utf8")) });
        finished = journal.getRun("crash")?.status === "completed";
        journal.close();
      } else {
        expect(exit.code, child.err()).toBe(0);
        finished = true;
      }
    }
    expect(finished).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);

    // Same outcome as the uninterrupted run, rebuilt from the journal.
    const journal = new SqliteJournal(file);
    const flow = new DurableFlow({ journal, resources: { probe: quietProbe } });
    const actual = await observe(flow, "crash");
    expect(actual.result).toBe(expected.result);
    expect(actual.state).toEqual(expected.state);
    expect(actual.store).toEqual(expected.store);
    // Workers run concurrently, so progress lines interleave differently from run to run: compare
    // the stream as a multiset, and the stop event (last) exactly.
    expect([...actual.stream].sort()).toEqual([...expected.stream].sort());
    expect(actual.stream.at(-1)).toBe(expected.stream.at(-1));
    expect(journal.getRun("crash")!.status).toBe("completed");
    journal.close();

    // No step whose outcome was journaled ran again; each delivery ran at most once more per kill
    // that hit while it was in flight (executed, outcome not yet journaled).
    const final = effectCounts(readFileSync(effects, "utf8"));
    const expectedKeys = new Set(effectCounts(readFileSync(effects, "utf8")).keys());
    expect(expectedKeys.size).toBe(1 + ROUNDS * (2 + 2 * WIDTH));
    for (const { journaled, counts } of checkpoints) {
      for (const key of journaled) expect({ key, count: final.get(key) }).toEqual({ key, count: counts.get(key) });
    }
    let reruns = 0;
    for (const [key, count] of final) {
      const inFlightKills = checkpoints.filter((c) => (c.counts.get(key) ?? 0) > 0 && !c.journaled.has(key)).length;
      expect(count, key).toBeLessThanOrEqual(1 + inFlightKills);
      reruns += count - 1;
    }
    console.log(`crash loop: ${kills} kills, ${final.size} deliveries, ${reruns} re-executions of in-flight steps`);
  }, 90_000);
});
