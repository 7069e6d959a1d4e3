// Durable-run benchmark: what the journal costs.
//
//   npm run build && node --expose-gc dist/bench/durable/bench.js
//
// (Or, without a build: node --import ./tests/durable/support/register.mjs bench/durable/bench.ts)
//
// 1. Ping-pong, 10,000 events between two steps: in memory vs journaled to a SQLite file (WAL,
//    synchronous=NORMAL), with commitBeforeSteps on (the default: every hop waits for its commit)
//    and off (hops batch up per event-loop turn), and vs MemoryJournal (codec + bookkeeping only).
// 2. Cost per step as the typed state grows (1 KB, 100 KB), a step editing one counter each time:
//    in memory vs journaled; bytes written per step.
// LangGraph's checkpointer is not compared: @langchain/langgraph is not installed.

import { mkdtempSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { Event, MemoryJournal, Workflow, type Journal, type StepContext, type WorkflowDefinition, type WorkflowOptions } from "flowspec/runtime";
import { SqliteJournal } from "../../sqlite/index.js";
import { PingPongFlow } from "../runtime/flows.js";

const dir = mkdtempSync(join(tmpdir(), "flowspec-bench-durable-"));
let fileNo = 0;
const newFile = () => join(dir, `bench-${++fileNo}.db`);

function fileBytes(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) if (existsSync(f)) total += statSync(f).size;
  return total;
}

async function timeIt(fn: () => PromiseLike<unknown>, reps: number): Promise<number> {
  await fn(); // warm-up
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

type Mode = { label: string; journal: () => { journal: Journal | undefined; file?: string }; commitBeforeSteps?: boolean };
const MODES: Mode[] = [
  { label: "in memory (no journal)", journal: () => ({ journal: undefined }) },
  { label: "MemoryJournal (codec + group commit, no I/O)", journal: () => ({ journal: new MemoryJournal() }) },
  { label: "SqliteJournal, commitBeforeSteps: true (default)", journal: () => { const file = newFile(); return { journal: new SqliteJournal(file), file }; } },
  { label: "SqliteJournal, commitBeforeSteps: false", journal: () => { const file = newFile(); return { journal: new SqliteJournal(file), file }; }, commitBeforeSteps: false },
  { label: "SqliteJournal synchronous=FULL, commitBeforeSteps: true", journal: () => { const file = newFile(); return { journal: new SqliteJournal(file, { synchronous: "full" }), file }; } },
];

async function pingpong(n: number): Promise<void> {
  console.log(`\n## ping-pong, ${n.toLocaleString("en-US")} events`);
  let base = 0;
  for (const mode of MODES) {
    const { journal, file } = mode.journal();
    const flow = new PingPongFlow({ ...(journal ? { journal, commitBeforeSteps: mode.commitBeforeSteps ?? true, snapshotEvery: 1000 } : {}) } as WorkflowOptions<Record<string, never>>);
    const reps = mode.label.includes("FULL") ? 1 : 3;
    const ms = await timeIt(() => flow.run({ n }), reps);
    const perSec = (n / ms) * 1000;
    if (base === 0) base = ms;
    const bytes = file ? ` ${(fileBytes(file) / (n * (reps + 1))).toFixed(0)} B/event on disk` : "";
    console.log(`${mode.label.padEnd(58)} ${Math.round(perSec).toLocaleString("en-US").padStart(11)} events/s  ${(ms / base).toFixed(1).padStart(6)}x in-memory cost${bytes}`);
    journal?.close();
  }
}

// A loop that edits one counter in a state that also holds a blob of `size` bytes.
class Tick extends Event {
  static override readonly typeName = "BenchTick";
  static override readonly kind = "event";
  static override readonly schema = z.object({ left: z.number().int() });
  declare private readonly __brand: "BenchTick";
  readonly left: number;
  constructor(data: { left: number }) {
    super();
    this.left = data.left;
  }
}
class Go extends Event {
  static override readonly typeName = "BenchGo";
  static override readonly kind = "start";
  static override readonly schema = z.object({ steps: z.number().int(), size: z.number().int() });
  declare private readonly __brand: "BenchGo";
  readonly steps: number;
  readonly size: number;
  constructor(data: { steps: number; size: number }) {
    super();
    this.steps = data.steps;
    this.size = data.size;
  }
}
class End extends Event {
  static override readonly typeName = "BenchEnd";
  static override readonly kind = "stop";
  static override readonly schema = z.object({});
  declare private readonly __brand: "BenchEnd";
}
type S = { count: number; blob: string[] };
const StateSchema = z.object({ count: z.number().int().default(0), blob: z.array(z.string()).default([]) });
class StateFlow extends Workflow<S, Record<string, never>, { steps: number; size: number }, End> {
  static readonly definition: WorkflowDefinition = {
    name: "StateFlow",
    timeout: null,
    startEvent: Go,
    events: [Go, Tick, End],
    steps: [
      { name: "init", method: "init", accepts: [Go], emits: [Tick], resources: [], workers: 1 },
      { name: "step", method: "step", accepts: [Tick], emits: [Tick, End], resources: [], workers: 1 },
    ],
    resources: {},
    state: StateSchema,
  };
  constructor(options?: WorkflowOptions<Record<string, never>>) {
    super(StateFlow.definition, options);
  }
  async init(ev: Go, ctx: StepContext<S, Tick>): Promise<Tick> {
    await ctx.store.editState((s) => {
      s.blob = Array.from({ length: Math.ceil(ev.size / 100) }, (_, i) => `${i}`.padEnd(100, "x"));
    });
    return new Tick({ left: ev.steps });
  }
  async step(ev: Tick, ctx: StepContext<S, Tick | End>): Promise<Tick | End> {
    await ctx.store.editState((s) => {
      s.count++;
    });
    return ev.left <= 1 ? new End() : new Tick({ left: ev.left - 1 });
  }
}

async function stateGrowth(steps: number): Promise<void> {
  console.log(`\n## cost per step as the state grows (${steps} steps, each editing one counter)`);
  for (const size of [1_000, 100_000]) {
    let base = 0;
    for (const mode of [MODES[0]!, MODES[2]!]) {
      const { journal, file } = mode.journal();
      const flow = new StateFlow({ ...(journal ? { journal } : {}) } as WorkflowOptions<Record<string, never>>);
      const before = file ? fileBytes(file) : 0;
      const ms = await timeIt(() => flow.run({ steps, size }), 2);
      if (base === 0) base = ms;
      const bytes = file ? `  ${Math.round((fileBytes(file) - before) / (steps * 3)).toLocaleString("en-US")} B/step on disk` : "";
      console.log(`state ${String(size / 1000).padStart(3)} KB  ${mode.label.padEnd(50)} ${((ms / steps) * 1000).toFixed(1).padStart(8)} µs/step  ${(ms / base).toFixed(1)}x${bytes}`);
      journal?.close();
    }
  }
}

const args = process.argv.slice(2);
await pingpong(Number(args[0] ?? 10_000));
await stateGrowth(Number(args[1] ?? 1_000));
rmSync(dir, { recursive: true, force: true });
