// Durable-run benchmark: what the journal costs.
//
//   npm run build && node --expose-gc dist/bench/durable/bench.js
//
// (Or, without a build: node --import ./tests/durable/support/register.mjs bench/durable/bench.ts)
//
// 0. The SQLite journal against a bare better-sqlite3 loop doing one transaction per hop, at 1, 10
//    and 100 KB of state (./journal-limit.ts; `npm run bench:durable -- journal [hops] [rounds]`
//    prints that table alone; `--quick`, as `npm run bench` runs it: that table at 2,000 hops and 3
//    rounds, then parts 1 and 2 at 2,000 / 200 events).
// 1. Ping-pong, 10,000 events between two steps: in memory vs journaled to a SQLite file (WAL,
//    synchronous=NORMAL), with commitBeforeSteps on (the default: every hop waits for its commit)
//    and off (hops batch up per event-loop turn), and vs MemoryJournal (codec + bookkeeping only).
// 2. Cost per step as the typed state grows (1 KB, 100 KB), a step editing one counter each time:
//    in memory vs journaled; bytes written per step.
//
// Both parts also run the peer, LangGraph JS with its SQLite checkpointer (@langchain/langgraph +
// @langchain/langgraph-checkpoint-sqlite, devDependencies; see ./langgraph.ts): a StateGraph of two
// nodes routing to each other through conditional edges, SqliteSaver on a temp file, one thread_id
// per run. LangGraph writes a checkpoint (the whole state) every super-step, i.e. every node run.
// Its SQLite file is switched to synchronous=NORMAL like SqliteJournal's default (one row also runs
// it at FULL, against flowspec's FULL row), and it runs with durability "sync" (each checkpoint
// written before the next step: the counterpart of commitBeforeSteps: true) and "async" (LangGraph's
// default: the counterpart of commitBeforeSteps: false). LangGraph is far slower (~1,000 steps/s), so
// its ping-pong runs 1,000 events, not 10,000 (third argument); events/s, µs/step and the
// "x in-memory cost" column are all per event, so they compare across N. Its state-growth loop runs
// as many steps as flowspec's (fourth argument, default: the second).
// The ratio column is flowspec's throughput over LangGraph's (= LangGraph's µs/step over flowspec's).
// Goal: flowspec's default (SqliteJournal, commitBeforeSteps: true) ≥ 10× the fastest LangGraph row,
// with flowspec's cost per step flat from 1 KB to 100 KB of state (printed as "flat" if it grows by
// at most 1.25×). Each part ends with a "Goal" line saying whether that holds.
//
// Arguments: [flowspec ping-pong events = 10000] [flowspec state steps = 1000]
//            [LangGraph ping-pong events = 1000] [LangGraph state steps = flowspec state steps]

import { mkdtempSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { Event, MemoryJournal, Workflow, type Journal, type StepContext, type WorkflowDefinition, type WorkflowOptions } from "flowspec/runtime";
import { SqliteJournal } from "../../sqlite/index.js";
import { PingPongFlow } from "../runtime/flows.js";
import { journalLimit } from "./journal-limit.js";
import { LangGraphLoop, type LangGraphOptions } from "./langgraph.js";

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

type LangGraphMode = { label: string; options: LangGraphOptions; peer: string };
const LANGGRAPH_MODES: LangGraphMode[] = [
  { label: "LangGraph SqliteSaver, durability: \"sync\"", options: { durability: "sync", synchronous: "normal" }, peer: MODES[2]!.label },
  { label: "LangGraph SqliteSaver, durability: \"async\" (default)", options: { durability: "async", synchronous: "normal" }, peer: MODES[3]!.label },
  { label: "LangGraph SqliteSaver synchronous=FULL, durability: \"sync\"", options: { durability: "sync", synchronous: "full" }, peer: MODES[4]!.label },
];
const fmtN = (n: number) => n.toLocaleString("en-US");
const ratio = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)}x`;

async function pingpong(n: number, nLangGraph: number): Promise<void> {
  console.log(`\n## ping-pong, ${fmtN(n)} events (LangGraph: ${fmtN(nLangGraph)} events, one super-step and one checkpoint each)`);
  const eventsPerSec = new Map<string, number>();
  let base = 0;
  for (const mode of MODES) {
    const { journal, file } = mode.journal();
    const flow = new PingPongFlow({ ...(journal ? { journal, commitBeforeSteps: mode.commitBeforeSteps ?? true, snapshotEvery: 1000 } : {}) } as WorkflowOptions<Record<string, never>>);
    const reps = mode.label.includes("FULL") ? 1 : 3;
    const ms = await timeIt(() => flow.run({ n }), reps);
    const perSec = (n / ms) * 1000;
    if (base === 0) base = ms;
    const bytes = file ? ` ${(fileBytes(file) / (n * (reps + 1))).toFixed(0)} B/event on disk` : "";
    eventsPerSec.set(mode.label, perSec);
    console.log(`${mode.label.padEnd(58)} ${Math.round(perSec).toLocaleString("en-US").padStart(11)} events/s  ${(ms / base).toFixed(1).padStart(6)}x in-memory cost${bytes}`);
    journal?.close();
  }
  let bestLangGraph = 0;
  for (const mode of LANGGRAPH_MODES) {
    const file = newFile();
    const loop = new LangGraphLoop(file, mode.options);
    const reps = 3;
    const ms = await timeIt(() => loop.run(nLangGraph), reps);
    const perSec = (nLangGraph / ms) * 1000;
    bestLangGraph = Math.max(bestLangGraph, perSec);
    const bytes = ` ${(fileBytes(file) / (nLangGraph * (reps + 1))).toFixed(0)} B/event on disk`;
    const peer = eventsPerSec.get(mode.peer)!;
    console.log(
      `${mode.label.padEnd(58)} ${Math.round(perSec).toLocaleString("en-US").padStart(11)} events/s  ${(ms / nLangGraph / (base / n)).toFixed(1).padStart(6)}x in-memory cost${bytes}` +
        `  [N=${fmtN(nLangGraph)}; flowspec/LangGraph vs "${mode.peer}": ${ratio(peer / perSec)}]`,
    );
    loop.close();
  }
  const ours = eventsPerSec.get(MODES[2]!.label)!;
  const x = ours / bestLangGraph;
  console.log(
    `Goal (flowspec default, ${MODES[2]!.label}, >= 10x the fastest LangGraph row): ` +
      `${fmtN(Math.round(ours))} vs ${fmtN(Math.round(bestLangGraph))} events/s = ${ratio(x)} -> ${x >= 10 ? "MET" : "NOT MET"}`,
  );
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

async function stateGrowth(steps: number, stepsLangGraph: number): Promise<void> {
  console.log(`\n## cost per step as the state grows (${fmtN(steps)} steps, each editing one counter; LangGraph: ${fmtN(stepsLangGraph)} steps)`);
  const usPerStep = new Map<string, number>(); // `${size} ${label}` -> µs/step
  for (const size of [1_000, 100_000]) {
    let base = 0;
    for (const mode of [MODES[0]!, MODES[2]!]) {
      const { journal, file } = mode.journal();
      const flow = new StateFlow({ ...(journal ? { journal } : {}) } as WorkflowOptions<Record<string, never>>);
      const before = file ? fileBytes(file) : 0;
      const ms = await timeIt(() => flow.run({ steps, size }), 2);
      if (base === 0) base = ms;
      const bytes = file ? `  ${Math.round((fileBytes(file) - before) / (steps * 3)).toLocaleString("en-US")} B/step on disk` : "";
      usPerStep.set(`${size} ${mode.label}`, (ms / steps) * 1000);
      console.log(`state ${String(size / 1000).padStart(3)} KB  ${mode.label.padEnd(58)} ${((ms / steps) * 1000).toFixed(1).padStart(8)} µs/step  ${(ms / base).toFixed(1)}x${bytes}`);
      journal?.close();
    }
    const ours = usPerStep.get(`${size} ${MODES[2]!.label}`)!;
    for (const mode of LANGGRAPH_MODES.slice(0, 2)) {
      const file = newFile();
      const loop = new LangGraphLoop(file, mode.options);
      const before = fileBytes(file);
      const ms = await timeIt(() => loop.run(stepsLangGraph, size), 2);
      const us = (ms / stepsLangGraph) * 1000;
      usPerStep.set(`${size} ${mode.label}`, us);
      const bytes = `  ${Math.round((fileBytes(file) - before) / (stepsLangGraph * 3)).toLocaleString("en-US")} B/step on disk`;
      console.log(
        `state ${String(size / 1000).padStart(3)} KB  ${mode.label.padEnd(58)} ${us.toFixed(1).padStart(8)} µs/step  ${((ms / stepsLangGraph) / (base / steps)).toFixed(1)}x${bytes}` +
          `  [flowspec/LangGraph vs "${MODES[2]!.label}": ${ratio(us / ours)}]`,
      );
      loop.close();
    }
  }
  console.log("growth of the cost per step, 1 KB -> 100 KB of state:");
  for (const label of [MODES[0]!.label, MODES[2]!.label, ...LANGGRAPH_MODES.slice(0, 2).map((m) => m.label)]) {
    const small = usPerStep.get(`1000 ${label}`)!;
    const big = usPerStep.get(`100000 ${label}`)!;
    console.log(`  ${label.padEnd(58)} ${small.toFixed(1).padStart(8)} -> ${big.toFixed(1).padStart(8)} µs/step  (${(big / small).toFixed(2)}x)`);
  }
  const ours = (size: number) => usPerStep.get(`${size} ${MODES[2]!.label}`)!;
  const fastestPeer = (size: number) => Math.min(...LANGGRAPH_MODES.slice(0, 2).map((m) => usPerStep.get(`${size} ${m.label}`)!));
  const verdicts = [1_000, 100_000].map((size) => {
    const x = fastestPeer(size) / ours(size);
    return `${size / 1000} KB ${ratio(x)} ${x >= 10 ? "MET" : "NOT MET"}`;
  });
  const growth = ours(100_000) / ours(1_000);
  console.log(
    `Goal (flowspec default >= 10x the fastest LangGraph row, per step): ${verdicts.join(", ")}; ` +
      `flowspec's cost per step 1 KB -> 100 KB grows ${growth.toFixed(2)}x -> ${growth <= 1.25 ? "flat (<= 1.25x)" : "NOT flat (> 1.25x)"}`,
  );
}

const quick = process.argv.includes("--quick");
const args = quick ? ["2000", "200", "200", "200"] : process.argv.slice(2);
if (args[0] === "journal") {
  await journalLimit(Number(args[1] ?? 5_000), Number(args[2] ?? 7));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
await journalLimit(quick ? 2_000 : 5_000, quick ? 3 : 7);
await pingpong(Number(args[0] ?? 10_000), Number(args[2] ?? 1_000));
const steps = Number(args[1] ?? 1_000);
await stateGrowth(steps, Number(args[3] ?? steps));
rmSync(dir, { recursive: true, force: true });
