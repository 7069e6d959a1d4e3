// flowspec/dbos benchmark: the per-step cost of flowspec/dbos against raw DBOS Transact doing the
// same steps on the same Postgres (both durability modes, ratios printed), the per-step overhead
// against the SQLite journal and the in-memory runtime, and I/O-bound fan-out throughput over 1, 2
// and 4 worker processes.
//
//   node --no-deprecation --import ./tests/dbos/support/register.mjs bench/dbos/bench.ts
//
// Needs Postgres: FLOWSPEC_PG_URL (default postgres://postgres@127.0.0.1:5432/test); it creates a
// `flowspec_bench_<random>` database and drops it at the end. Knobs (environment):
//   BENCH_WORKERS=1,2,4          worker process counts to measure (flowspec/dbos from this client, and raw
//                                DBOS started on the workers, CONC at a time each: which part of a shortfall is ours)
//   BENCH_STEP_MS=100            each branch waits this long (the I/O)
//   BENCH_BRANCHES=10            branches per run (the process step has workers: 4 within a run)
//   BENCH_WORKER_CONCURRENCY=8   runs at once per worker process (queue workerConcurrency)
//   BENCH_RUNS_PER_WORKER=60     runs enqueued per worker process (so each size runs about as long)
//   BENCH_OVERHEAD_BRANCHES=200  branches of the zero-wait run used for the per-step overhead
//   BENCH_LOAD_RUNS=8            zero-wait runs at once for the "under load" rows (group commit across runs)
//   BENCH_LOAD_BRANCHES=50       branches of each of those runs
//
// Raw DBOS vs flowspec/dbos: one worker process runs both: `bench.rawFan` (tests/dbos/fixtures/
// worker.ts, FLOWSPEC_RAW=1) is the same fan-out written with DBOS.runStep (init, then per item a
// process step and a collect step, 4 items at a time: 1 + 2 × branches checkpointed steps, the
// flowspec run's step attempts). Each run is timed from its dispatch on the worker to its recorded
// completion (workflow_status timestamps), so neither side pays queue or result polling.
//
// The worker processes are tests/dbos/fixtures/worker.ts (the documented worker script); this
// process is the client (`worker: false`). Throughput counts runs from first enqueue to last result.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresProblem, sql, startChild, stopChild } from "../../tests/dbos/support/harness.js";
import { benchCluster } from "./cluster.js";

process.env.FLOWSPEC_STEP_MS = "0"; // this process's own flows (in-memory, SQLite) measure overhead only
const { Fan, itemsOf } = await import("../../tests/dbos/fixtures/flows.js");

const list = (s: string | undefined, d: number[]) => (s ? s.split(",").map(Number) : d);
const WORKERS = list(process.env.BENCH_WORKERS, [1, 2, 4]);
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 100);
const BRANCHES = Number(process.env.BENCH_BRANCHES ?? 10);
const CONC = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 8);
const PER_WORKER = Number(process.env.BENCH_RUNS_PER_WORKER ?? 60);
const OVER = Number(process.env.BENCH_OVERHEAD_BRANCHES ?? 200);
const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 8);
const LOAD_BRANCHES = Number(process.env.BENCH_LOAD_BRANCHES ?? 50);

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
const { db, children, runtime, fan, close } = await benchCluster();
try {
  await runtime.launch();
  const startWorkers = async (n: number, stepMs: number) => {
    const ws = Array.from({ length: n }, (_, i) =>
      startChild("worker.ts", { FLOWSPEC_PG_URL: db.url, FLOWSPEC_WHO: `b${n}-${i}`, FLOWSPEC_STEP_MS: String(stepMs), FLOWSPEC_WORKER_CONCURRENCY: String(CONC), FLOWSPEC_RAW: "1", FLOWSPEC_FLOWS: "fan" }),
    );
    children.push(...ws);
    await Promise.all(ws.map((w) => w.waitFor((m) => m.type === "ready", 60_000)));
    return ws;
  };

  // Raw DBOS Transact vs flowspec/dbos, zero-wait steps, in each durability mode: one worker process runs both.
  /** Milliseconds from dispatch on the worker to recorded completion, per run. */
  const execMs = async (ids: string[]) => {
    const rows = await sql<{ id: string; created: string; started: string | null; updated: string }>(
      db.url,
      `SELECT workflow_uuid AS id, created_at AS created, started_at_epoch_ms AS started, updated_at AS updated FROM dbos.workflow_status WHERE workflow_uuid = ANY($1::text[])`,
      [ids],
    );
    return rows.map((r) => ({ start: Number(r.started ?? r.created), end: Number(r.updated) }));
  };
  const span = (xs: { start: number; end: number }[]) => Math.max(...xs.map((x) => x.end)) - Math.min(...xs.map((x) => x.start));
  const modes: { mode: string; raw: number; ours: number; rawLoad: number; oursLoad: number }[] = [];
  for (const [mode, commit] of [["commitBeforeSteps: true (default)", "1"], ["commitBeforeSteps: false", "0"]] as const) {
    const [w] = (() => {
      const ws = [startChild("worker.ts", { FLOWSPEC_PG_URL: db.url, FLOWSPEC_WHO: `raw-${commit}`, FLOWSPEC_STEP_MS: "0", FLOWSPEC_RAW: "1", FLOWSPEC_COMMIT: commit, FLOWSPEC_FLOWS: "fan", FLOWSPEC_WORKER_CONCURRENCY: String(Math.max(CONC, LOAD_RUNS)) })];
      children.push(...ws);
      return ws;
    })();
    await w!.waitFor((m) => m.type === "ready", 60_000);
    let seq = 0;
    const raw = async (branches: number) => {
      const runId = `raw-${commit}-${seq++}`;
      w!.send({ type: "raw", runId, branches });
      await w!.waitFor((m) => m.type === "raw-done" && m.runId === runId, 120_000);
      return runId;
    };
    const ours = async (branches: number) => {
      const runId = `ours-${commit}-${seq++}`;
      await fan.run({ items: itemsOf(0, branches) }, { runId });
      return runId;
    };
    await raw(OVER);
    await ours(OVER); // warm-up
    const rawIds: string[] = [];
    const ourIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      rawIds.push(await raw(OVER));
      ourIds.push(await ours(OVER));
    }
    const perStep = async (ids: string[]) => median((await execMs(ids)).map((x) => (x.end - x.start) / stepsOf(OVER)));
    // Under load: LOAD_RUNS runs at once (each run checkpoints its own batches; DBOS commits each run's steps).
    const rawLoad = await Promise.all(Array.from({ length: LOAD_RUNS }, () => raw(LOAD_BRANCHES)));
    const ourLoad = await Promise.all(Array.from({ length: LOAD_RUNS }, () => ours(LOAD_BRANCHES)));
    const loadPerStep = async (ids: string[]) => span(await execMs(ids)) / (LOAD_RUNS * stepsOf(LOAD_BRANCHES));
    modes.push({ mode, raw: await perStep(rawIds), ours: await perStep(ourIds), rawLoad: await loadPerStep(rawLoad), oursLoad: await loadPerStep(ourLoad) });
    await stopChild(w!);
  }
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  print(
    `Raw DBOS Transact vs flowspec/dbos, per step (zero-wait steps, one worker; one run of 1 + 2 × ${OVER} steps; under load: ${LOAD_RUNS} runs × ${1 + 2 * LOAD_BRANCHES} steps at once, wall / steps)`,
    [
      ["flowspec mode", "raw DBOS", "flowspec/dbos", "ratio", "raw DBOS, load", "flowspec/dbos, load", "ratio, load"],
      ...modes.map((m) => [m.mode, us(m.raw), us(m.ours), `${(m.ours / m.raw).toFixed(2)}×`, us(m.rawLoad), us(m.oursLoad), `${(m.oursLoad / m.rawLoad).toFixed(2)}×`]),
    ],
  );

  // Overhead: one worker, zero-wait steps, end to end from this client process.
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
  const tput: { n: number; runs: number; ms: number; rps: number; rawRps: number }[] = [];
  for (const n of WORKERS) {
    ws = await startWorkers(n, STEP_MS);
    const runs = PER_WORKER * n;
    const t0 = performance.now();
    const handlers = Array.from({ length: runs }, (_, i) => fan.run({ items: itemsOf(i, BRANCHES) }, { runId: `tput-${n}-${i}` }));
    const results = (await Promise.all(handlers)) as { total: number; by: string }[];
    const ms = performance.now() - t0;
    const spread: Record<string, number> = {};
    for (const r of results) spread[r.by] = (spread[r.by] ?? 0) + 1;
    // Raw DBOS, the same fan-out and run count: each worker runs its share, CONC at a time (as its queue allows flowspec runs).
    const r0 = performance.now();
    await Promise.all(
      ws.map(async (w, k) => {
        const share = Array.from({ length: runs }, (_, i) => i).filter((i) => i % n === k);
        let next = 0;
        await Promise.all(
          Array.from({ length: CONC }, async () => {
            while (next < share.length) {
              const runId = `raw-tput-${n}-${share[next++]}`;
              w.send({ type: "raw", runId, branches: BRANCHES });
              await w.waitFor((m) => m.type === "raw-done" && m.runId === runId, 120_000);
            }
          }),
        );
      }),
    );
    const rawMs = performance.now() - r0;
    tput.push({ n, runs, ms, rps: (runs / ms) * 1000, rawRps: (runs / rawMs) * 1000 });
    console.error(`bench/dbos: ${n} worker(s): ${runs} runs in ${ms.toFixed(0)} ms (raw DBOS ${rawMs.toFixed(0)} ms), spread ${JSON.stringify(spread)}`);
    await Promise.all(ws.map(stopChild));
  }
  const base = tput[0]!.rps;
  const ideal = (CONC / ((Math.ceil(BRANCHES / 4) * STEP_MS) / 1000)).toFixed(1);
  print(
    `Throughput: fan-out runs of ${BRANCHES} branches × ${STEP_MS} ms (process workers: 4 → ${Math.ceil(BRANCHES / 4)} waves), ${CONC} runs at once per worker (ideal ${ideal} runs/s per worker)`,
    [
      ["workers", "runs", "wall", "runs/s", "steps/s", "vs 1 worker", "raw DBOS runs/s", "raw vs 1 worker", "flowspec / raw"],
      ...tput.map((t) => [
        String(t.n),
        String(t.runs),
        `${(t.ms / 1000).toFixed(2)} s`,
        t.rps.toFixed(1),
        (t.rps * stepsOf(BRANCHES)).toFixed(0),
        `${(t.rps / base).toFixed(2)}×`,
        t.rawRps.toFixed(1),
        `${(t.rawRps / tput[0]!.rawRps).toFixed(2)}×`,
        `${(t.rps / t.rawRps).toFixed(2)}×`,
      ]),
    ],
  );
} finally {
  await close();
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
