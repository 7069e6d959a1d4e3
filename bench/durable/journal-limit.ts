// The SQLite journal against the physical limit (issue 20, goal 1): flowspec's journaled ping-pong
// at default settings (SqliteJournal, commitBeforeSteps: true: a step starts only once the event it
// handles is durable, so every hop is one commit) against a bare better-sqlite3 loop doing one
// transaction per hop on a file with the same settings (journal_mode, synchronous, page_size, read
// back from the journal's own file), appending one row as big as what flowspec journals per hop.
//
// One table, measured in one process, rows interleaved round by round (best round kept), so the
// ratios hold on a noisy machine:
//   - steps/s: hops per second (a hop = one step run = one commit for flowspec, one transaction for
//     the bare loop);
//   - x bare: the row's time per hop over the bare loop's (the goal: <= 1.5 at every state size);
//   - WAL B/step: bytes appended to the WAL per hop (frames of page_size + 24 bytes), measured in a
//     separate pass where a reader pins the WAL so no checkpoint can recycle it;
//   - B/step journaled: the entries' JSON per hop.
// The state holds a blob of 1 KB, 10 KB or 100 KB; each hop edits one counter in it (journaled as a
// patch of that field), and a snapshot of the whole state is taken every `snapshotEvery` (1000)
// ticks, as by default. Rows that split the cost:
//   - "SqliteJournal.commit alone": the journal's side only, in a synchronous loop like the bare
//     one, committing one hop's entries (taken from the 1 KB run) per call, with the lease;
//   - "no store": a journal that drops every batch: what the runtime and the group-commit writer
//     cost per hop (the floor no change on the SQLite side can go below), with commitBeforeSteps
//     (a step waits for its event's commit: one event-loop turn per hop) and without;
//   - MemoryJournal (no store, but every entry kept in memory), and no journal at all.
//
//   npm run bench:durable                 (this table first, then the LangGraph comparison)
//   npm run bench:durable -- journal      (this table only)
//   npm run bench:durable -- journal 5000 7   (hops per run, rounds: the defaults)

import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { z } from "zod";
import { Event, MemoryJournal, Workflow, type Journal, type StepContext, type StoredEntry, type WorkflowDefinition, type WorkflowOptions } from "flowspec/runtime";
import { SqliteJournal } from "../../sqlite/index.js";
import { summarize } from "../report.js";

const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;

class LimitGo extends Event {
  static override readonly typeName = "LimitGo";
  static override readonly kind = "start";
  static override readonly schema = z.object({ hops: z.number().int(), size: z.number().int() });
  declare private readonly __brand: "LimitGo";
  readonly hops: number;
  readonly size: number;
  constructor(data: { hops: number; size: number }) {
    super();
    this.hops = data.hops;
    this.size = data.size;
  }
}
class LimitPing extends Event {
  static override readonly typeName = "LimitPing";
  static override readonly kind = "event";
  static override readonly schema = z.object({ left: z.number().int() });
  declare private readonly __brand: "LimitPing";
  readonly left: number;
  constructor(data: { left: number }) {
    super();
    this.left = data.left;
  }
}
class LimitPong extends Event {
  static override readonly typeName = "LimitPong";
  static override readonly kind = "event";
  static override readonly schema = z.object({ left: z.number().int() });
  declare private readonly __brand: "LimitPong";
  readonly left: number;
  constructor(data: { left: number }) {
    super();
    this.left = data.left;
  }
}
class LimitEnd extends Event {
  static override readonly typeName = "LimitEnd";
  static override readonly kind = "stop";
  static override readonly schema = z.object({});
  declare private readonly __brand: "LimitEnd";
}
type S = { count: number; blob: string[] };
const StateSchema = z.object({ count: z.number().int().default(0), blob: z.array(z.string()).default([]) });

/** Ping-pong between two steps, each hop editing one counter of a state that also holds a blob of `size` bytes. */
export class StatePingPong extends Workflow<S, Record<string, never>, { hops: number; size: number }, LimitEnd> {
  static readonly definition: WorkflowDefinition = {
    name: "StatePingPong",
    timeout: null,
    startEvent: LimitGo,
    events: [LimitGo, LimitPing, LimitPong, LimitEnd],
    steps: [
      { name: "init", method: "init", accepts: [LimitGo], emits: [LimitPing], resources: [], workers: 1 },
      { name: "ping", method: "ping", accepts: [LimitPing], emits: [LimitPong, LimitEnd], resources: [], workers: 1 },
      { name: "pong", method: "pong", accepts: [LimitPong], emits: [LimitPing, LimitEnd], resources: [], workers: 1 },
    ],
    resources: {},
    state: StateSchema,
  };
  constructor(options?: WorkflowOptions<Record<string, never>>) {
    super(StatePingPong.definition, options);
  }
  async init(ev: LimitGo, ctx: StepContext<S, LimitPing>): Promise<LimitPing> {
    await ctx.store.editState((s) => {
      s.blob = Array.from({ length: Math.ceil(ev.size / 100) }, (_, i) => `${i}`.padEnd(100, "x"));
    });
    return new LimitPing({ left: ev.hops });
  }
  async ping(ev: LimitPing, ctx: StepContext<S, LimitPong | LimitEnd>): Promise<LimitPong | LimitEnd> {
    await ctx.store.editState((s) => {
      s.count++;
    });
    return ev.left <= 1 ? new LimitEnd() : new LimitPong({ left: ev.left - 1 });
  }
  async pong(ev: LimitPong, ctx: StepContext<S, LimitPing | LimitEnd>): Promise<LimitPing | LimitEnd> {
    await ctx.store.editState((s) => {
      s.count++;
    });
    return ev.left <= 1 ? new LimitEnd() : new LimitPing({ left: ev.left - 1 });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** A row of the table: runs `hops` hops once, returns ms. */
interface Row {
  readonly label: string;
  /** One timed run of `hops` hops (ms). */
  run(hops: number): Promise<number>;
  /** WAL bytes per hop over `hops` hops, with the WAL pinned by a reader. */
  walPerHop?(hops: number): Promise<number>;
  /** JSON bytes journaled per hop (last run). */
  journaledPerHop?: () => number;
  /** The last run's entries, and how many per hop. */
  entries?: () => { entries: StoredEntry[]; perHop: number };
  close(): void;
}

/** The WAL, emptied first, grows by every frame appended while `pin` holds a read transaction open (no checkpoint can reset it). */
async function pinnedWal(file: string, fn: () => Promise<void> | void): Promise<number> {
  const pin = new Database(file);
  try {
    pin.pragma("wal_checkpoint(TRUNCATE)"); // the WAL restarts empty (nobody is in a transaction between runs)
    pin.prepare("BEGIN").run();
    pin.prepare("SELECT count(*) FROM sqlite_master").get();
    const size = () => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    const before = size();
    await fn();
    return size() - before;
  } finally {
    pin.prepare("COMMIT").run();
    pin.close();
  }
}

/** Keeps run records but drops every batch: what the runtime and the group-commit writer cost per hop, with no store behind them. */
class DiscardingJournal extends MemoryJournal {
  override commit(): [] {
    return [];
  }
  override read(): [] {
    return [];
  }
}

function flowRow(dir: string, label: string, size: number, journalKind: "sqlite" | "memory" | "discard" | "none", commitBeforeSteps = true): Row {
  const file = join(dir, `flow-${size}-${journalKind}-${commitBeforeSteps}.db`);
  const journal: Journal = journalKind === "sqlite" ? new SqliteJournal(file) : journalKind === "memory" ? new MemoryJournal() : new DiscardingJournal();
  const flow = new StatePingPong((journalKind === "none" ? {} : { journal, commitBeforeSteps }) as WorkflowOptions<Record<string, never>>);
  let lastRun = "";
  let lastHops = 0;
  const once = async (hops: number) => {
    const handler = flow.run({ hops, size });
    lastRun = handler.runId;
    lastHops = hops;
    await handler;
  };
  return {
    label,
    async run(hops) {
      const t0 = performance.now();
      await once(hops);
      return performance.now() - t0;
    },
    ...(journalKind === "sqlite" ? { walPerHop: async (hops: number) => (await pinnedWal(file, () => once(hops))) / hops } : {}),
    journaledPerHop: () => (journalKind === "discard" || journalKind === "none" ? NaN : journal.read(lastRun).reduce((n, e) => n + e.json.length, 0) / lastHops),
    entries: () => {
      const entries = journal.read(lastRun);
      return { entries, perHop: entries.length / lastHops };
    },
    close: () => journal.close(),
  };
}

/** `SqliteJournal.commit` alone, in a synchronous loop like the bare one: one hop's entries (taken from a flowspec run) per commit, with the lease, as the writer sends them. */
function commitOnlyRow(dir: string, sample: () => { entries: StoredEntry[]; perHop: number }): Row {
  const file = join(dir, "commit-only.db");
  const journal = new SqliteJournal(file);
  const runId = "commit-only";
  const owner = `${process.pid}@bench/commit-only`;
  journal.createRun({ runId, workflow: "StatePingPong", fingerprint: "f", shape: { steps: [], events: [] } as never, createdAt: Date.now(), lease: { owner, until: Date.now() + 30_000 } }, [
    { seq: 1, at: Date.now(), kind: "tick", json: "{}" },
  ]);
  let seq = 1;
  const loop = (hops: number) => {
    const { entries, perHop } = sample();
    const k = Math.max(1, Math.round(perHop));
    let j = 0;
    for (let i = 0; i < hops; i++) {
      const now = Date.now();
      const batch: StoredEntry[] = [];
      for (let x = 0; x < k; x++) {
        const e = entries[j++ % entries.length]!;
        batch.push({ seq: ++seq, at: now, kind: e.kind, json: e.json });
      }
      journal.commit([{ runId, lease: { owner, until: now + 30_000 }, entries: batch, status: "running", updatedAt: now, outcome: null }]);
    }
  };
  return {
    label: "SqliteJournal.commit alone, one hop's entries per commit",
    async run(hops) {
      const t0 = performance.now();
      loop(hops);
      return performance.now() - t0;
    },
    walPerHop: async (hops) => (await pinnedWal(file, () => loop(hops))) / hops,
    journaledPerHop: () => {
      const { entries, perHop } = sample();
      return (entries.reduce((n, e) => n + e.json.length, 0) / entries.length) * Math.max(1, Math.round(perHop));
    },
    close: () => journal.close(),
  };
}

/** One transaction per hop, appending a row of `bytes` bytes, on a file with the journal's settings. */
function bareRow(dir: string, settingsOf: string, bytes: () => number): Row {
  const probe = new Database(settingsOf, { readonly: true });
  const pageSize = probe.pragma("page_size", { simple: true }) as number;
  const journalMode = probe.pragma("journal_mode", { simple: true }) as string;
  probe.close();
  // synchronous is per connection: SqliteJournal's default is NORMAL.
  const file = join(dir, "bare.db");
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma(`journal_mode = ${journalMode}`);
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE hops (seq INTEGER PRIMARY KEY, data TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO hops (seq, data) VALUES (?, ?)");
  const hop = db.transaction((seq: number, data: string) => insert.run(seq, data));
  let seq = 0;
  const loop = (hops: number) => {
    const data = "x".repeat(Math.max(1, Math.round(bytes())));
    for (let i = 0; i < hops; i++) hop.immediate(++seq, data);
  };
  return {
    label: `bare better-sqlite3 loop, 1 tx/hop (page_size ${pageSize}, ${journalMode}, NORMAL)`,
    async run(hops) {
      const t0 = performance.now();
      loop(hops);
      return performance.now() - t0;
    },
    walPerHop: async (hops) => (await pinnedWal(file, () => loop(hops))) / hops,
    journaledPerHop: () => bytes(),
    close: () => db.close(),
  };
}

export async function journalLimit(hops = 5_000, rounds = 7): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "flowspec-bench-limit-"));
  const sizes = [1_000, 10_000, 100_000];
  const flows = sizes.map((size) => flowRow(dir, `flowspec SqliteJournal (default settings), ${size / 1000} KB state`, size, "sqlite"));
  const memories = [
    flowRow(dir, "no store: journal dropping every batch, 1 KB state", 1_000, "discard"),
    flowRow(dir, "no store: journal dropping every batch, 100 KB state", 100_000, "discard"),
    flowRow(dir, "no store, commitBeforeSteps: false, 1 KB state", 1_000, "discard", false),
    flowRow(dir, "flowspec MemoryJournal (no I/O), 1 KB state", 1_000, "memory"),
    flowRow(dir, "in memory (no journal), 1 KB state", 1_000, "none"),
  ];
  const memory = memories[0]!;
  // Warm up (JIT, file growth), and learn what a hop journals.
  for (const row of [...flows, ...memories]) await row.run(Math.min(hops, 2_000));
  const perHop = flows[0]!.journaledPerHop!();
  const bare = bareRow(dir, join(dir, "flow-1000-sqlite-true.db"), () => perHop);
  const commitOnly = commitOnlyRow(dir, flows[0]!.entries!);
  await bare.run(2_000);
  await commitOnly.run(2_000);
  const rows = [bare, commitOnly, ...flows, ...memories];
  const best = new Map<Row, number>();
  for (let r = 0; r < rounds; r++) {
    for (const row of rows) {
      (globalThis as { gc?: () => void }).gc?.();
      const ms = await row.run(hops);
      best.set(row, Math.min(best.get(row) ?? Infinity, ms));
    }
  }
  const wal = new Map<Row, number>();
  for (const row of rows) if (row.walPerHop) wal.set(row, await row.walPerHop(Math.min(hops, 2_000)));
  const usBare = (best.get(bare)! / hops) * 1000;
  console.log(`\n## SQLite journal vs a bare better-sqlite3 loop (${fmt(hops)} hops per run, best of ${rounds} interleaved rounds; goal: x bare <= 1.5, flat 1 KB -> 100 KB)`);
  console.log(`${"".padEnd(66)} ${"steps/s".padStart(9)} ${"µs/step".padStart(8)} ${"x bare".padStart(7)} ${"WAL B/step".padStart(11)} ${"B/step journaled".padStart(17)}`);
  for (const row of rows) {
    const us = (best.get(row)! / hops) * 1000;
    const w = wal.get(row);
    console.log(
      `${row.label.padEnd(66)} ${fmt(1e6 / us).padStart(9)} ${us.toFixed(1).padStart(8)} ${`${(us / usBare).toFixed(2)}x`.padStart(7)} ${(w === undefined ? "-" : fmt(w)).padStart(11)} ${(Number.isNaN(row.journaledPerHop!()) ? "-" : fmt(row.journaledPerHop!())).padStart(17)}`,
    );
  }
  const us = (row: Row) => (best.get(row)! / hops) * 1000;
  const worst = Math.max(...flows.map((f) => us(f) / usBare));
  const growth = us(flows[2]!) / us(flows[0]!);
  console.log(
    `Goal 1: flowspec default within 1.5x of the bare loop at every state size: worst ${worst.toFixed(2)}x -> ${worst <= 1.5 ? "MET" : "NOT MET"}; ` +
      `1 KB -> 100 KB: ${growth.toFixed(2)}x -> ${growth <= 1.25 ? "flat (<= 1.25x)" : "NOT flat (> 1.25x)"}; ` +
      `SqliteJournal.commit alone: ${(us(commitOnly) / usBare).toFixed(2)}x; floor without any store (runtime + writer): ${(us(memory) / usBare).toFixed(2)}x the bare loop`,
  );
  const usOf = (x: number) => `${x.toFixed(1)} µs/step`;
  summarize({
    bench: "durable",
    figure: "SQLite journal ping-pong, default settings, worst of 1/10/100 KB state",
    ours: usOf(Math.max(...flows.map(us))),
    against: `bare better-sqlite3 loop, 1 tx/hop ${usOf(usBare)}`,
    ratio: worst,
    goal: "≤ 1.5×",
    met: worst <= 1.5,
  });
  summarize({ bench: "durable", figure: "SQLite journal cost per step, 100 KB vs 1 KB state", ours: usOf(us(flows[2]!)), against: `1 KB ${usOf(us(flows[0]!))}`, ratio: growth, goal: "≤ 1.25× (flat)", met: growth <= 1.25 });
  for (const row of rows) row.close();
  rmSync(dir, { recursive: true, force: true });
}
