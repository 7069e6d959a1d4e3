// flowspec/dbos benchmark: I/O-bound fan-out throughput over 1, 2 and 4 worker processes, and the
// per-step overhead of DBOS against the SQLite journal and the in-memory runtime.
//
//   node --no-deprecation --import ./tests/dbos/support/register.mjs bench/dbos/bench.ts
//
// Needs Postgres: FLOWSPEC_PG_URL (default postgres://postgres@127.0.0.1:5432/test); it creates a
// `flowspec_bench_<random>` database and drops it at the end. Knobs (environment):
//   BENCH_WORKERS=1,2,4          worker process counts to measure
//   BENCH_STEP_MS=100            each branch waits this long (the I/O)
//   BENCH_BRANCHES=10            branches per run (the process step has workers: 4 within a run)
//   BENCH_WORKER_CONCURRENCY=8   runs at once per worker process (queue workerConcurrency)
//   BENCH_RUNS_PER_WORKER=60     runs enqueued per worker process (so each size runs about as long)
//   BENCH_OVERHEAD_BRANCHES=200  branches of the zero-wait run used for the per-step overhead
//
// The worker processes are tests/dbos/fixtures/worker.ts (the documented worker script); this
// process is the client (`worker: false`). Throughput counts runs from first enqueue to last result.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, dropDatabase, postgresProblem, startChild, stopChild, type Child } from "../../tests/dbos/support/harness.js";

process.env.FLOWSPEC_STEP_MS = "0"; // this process's own flows (in-memory, SQLite) measure overhead only
const { Fan, itemsOf } = await import("../../tests/dbos/fixtures/flows.js");
const { asDbos, DbosRuntime } = await import("../../dbos/index.js");

const list = (s: string | undefined, d: number[]) => (s ? s.split(",").map(Number) : d);
const WORKERS = list(process.env.BENCH_WORKERS, [1, 2, 4]);
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 100);
const BRANCHES = Number(process.env.BENCH_BRANCHES ?? 10);
const CONC = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 8);
const PER_WORKER = Number(process.env.BENCH_RUNS_PER_WORKER ?? 60);
const OVER = Number(process.env.BENCH_OVERHEAD_BRANCHES ?? 200);

const problem = await postgresProblem();
if (problem !== null) {
  console.error(`bench/dbos: ${problem}`);
  process.exit(1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Steps of one fan-out run: init_run, one process per branch, one finalize per result. */
const stepsOf = (branches: number) => 1 + 2 * branches;

// ---- in-memory and SQLite: per-step cost of one zero-wait fan-out run
async function timeRuns(make: () => { run: (input: unknown, o?: object) => PromiseLike<unknown> }, label: string) {
  const flow = make();
  for (let i = 0; i < 3; i++) {
    const h = flow.run({ items: itemsOf(i, OVER) }, { runId: `warm-${label}-${i}` });
    await h;
  }
  const per: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await flow.run({ items: itemsOf(i, OVER) }, { runId: `over-${label}-${i}` });
    per.push((performance.now() - t0) / stepsOf(OVER));
  }
  const lat: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    await flow.run({ items: itemsOf(i, 1) }, { runId: `lat-${label}-${i}` });
    lat.push(performance.now() - t0);
  }
  return { perStepMs: median(per), runLatencyMs: median(lat) };
}

const rows: string[][] = [];

const memory = await timeRuns(() => new Fan({ timeout: null }) as never, "memory");
let sqlite: { perStepMs: number; runLatencyMs: number } | null = null;
const dir = mkdtempSync(join(tmpdir(), "flowspec-bench-dbos-"));
try {
  const { SqliteJournal } = await import("../../sqlite/index.js");
  const journal = new SqliteJournal(join(dir, "runs.db"));
  sqlite = await timeRuns(() => new Fan({ timeout: null, journal } as never) as never, "sqlite");
  journal.close();
} catch (error) {
  console.error(`bench/dbos: SQLite journal not measured: ${(error as Error).message}`);
}
rmSync(dir, { recursive: true, force: true });

// ---- DBOS
const db = await createDatabase("flowspec_bench");
const children: Child[] = [];
// Interrupted: still stop the workers and drop the database.
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    for (const c of children) c.child.kill("SIGKILL");
    void dropDatabase(db.name).finally(() => process.exit(130));
  });
}
const runtime = new DbosRuntime({ systemDatabaseUrl: db.url, worker: false, executorId: `bench-client-${process.pid}` });
const fan = asDbos(new Fan({ runtime, timeout: null }));
try {
  await runtime.launch();
  const startWorkers = async (n: number, stepMs: number) => {
    const ws = Array.from({ length: n }, (_, i) =>
      startChild("worker.ts", { FLOWSPEC_PG_URL: db.url, FLOWSPEC_WHO: `b${n}-${i}`, FLOWSPEC_STEP_MS: String(stepMs), FLOWSPEC_WORKER_CONCURRENCY: String(CONC) }),
    );
    children.push(...ws);
    await Promise.all(ws.map((w) => w.waitFor((m) => m.type === "ready", 60_000)));
    return ws;
  };

  // Overhead: one worker, zero-wait steps.
  let ws = await startWorkers(1, 0);
  for (let i = 0; i < 2; i++) await fan.run({ items: itemsOf(i, OVER) }, { runId: `dbos-warm-${i}` });
  const per: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await fan.run({ items: itemsOf(i, OVER) }, { runId: `dbos-over-${i}` });
    per.push((performance.now() - t0) / stepsOf(OVER));
  }
  const lat: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await fan.run({ items: itemsOf(i, 1) }, { runId: `dbos-lat-${i}` });
    lat.push(performance.now() - t0);
  }
  const dbos = { perStepMs: median(per), runLatencyMs: median(lat) };
  await Promise.all(ws.map(stopChild));

  rows.push(["runtime", "per step (200-branch run)", "1-branch run, end to end"]);
  rows.push(["in-memory", `${(memory.perStepMs * 1000).toFixed(1)} µs`, `${memory.runLatencyMs.toFixed(2)} ms`]);
  if (sqlite) rows.push(["SQLite journal", `${(sqlite.perStepMs * 1000).toFixed(1)} µs`, `${sqlite.runLatencyMs.toFixed(2)} ms`]);
  rows.push(["DBOS (1 worker + client)", `${(dbos.perStepMs * 1000).toFixed(1)} µs`, `${dbos.runLatencyMs.toFixed(1)} ms`]);
  print(`Per-step overhead (zero-wait steps; the run's 1 + 2 × ${OVER} step attempts)`, rows);

  // Throughput: I/O-bound fan-out over N workers.
  const tput: { n: number; runs: number; ms: number; rps: number }[] = [];
  for (const n of WORKERS) {
    ws = await startWorkers(n, STEP_MS);
    const runs = PER_WORKER * n;
    const t0 = performance.now();
    const handlers = Array.from({ length: runs }, (_, i) => fan.run({ items: itemsOf(i, BRANCHES) }, { runId: `tput-${n}-${i}` }));
    const results = (await Promise.all(handlers)) as { total: number; by: string }[];
    const ms = performance.now() - t0;
    const spread: Record<string, number> = {};
    for (const r of results) spread[r.by] = (spread[r.by] ?? 0) + 1;
    tput.push({ n, runs, ms, rps: (runs / ms) * 1000 });
    console.error(`bench/dbos: ${n} worker(s): ${runs} runs in ${ms.toFixed(0)} ms, spread ${JSON.stringify(spread)}`);
    await Promise.all(ws.map(stopChild));
  }
  const base = tput[0]!.rps;
  const ideal = (CONC / ((Math.ceil(BRANCHES / 4) * STEP_MS) / 1000)).toFixed(1);
  print(
    `Throughput: fan-out runs of ${BRANCHES} branches × ${STEP_MS} ms (process workers: 4 → ${Math.ceil(BRANCHES / 4)} waves), ${CONC} runs at once per worker (ideal ${ideal} runs/s per worker)`,
    [
      ["workers", "runs", "wall", "runs/s", "steps/s", "vs 1 worker"],
      ...tput.map((t) => [String(t.n), String(t.runs), `${(t.ms / 1000).toFixed(2)} s`, t.rps.toFixed(1), ((t.rps * stepsOf(BRANCHES))).toFixed(0), `${(t.rps / base).toFixed(2)}×`]),
    ],
  );
} finally {
  await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
  await runtime.shutdown().catch(() => undefined);
  await dropDatabase(db.name).catch((e) => console.error(`could not drop ${db.name}: ${(e as Error).message}`));
}
process.exit(0);

function print(title: string, table: string[][]) {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  console.log(`\n${title}\n`);
  for (const [k, r] of table.entries()) {
    console.log(`| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`);
    if (k === 0) console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  }
}
