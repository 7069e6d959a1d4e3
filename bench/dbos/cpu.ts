// flowspec/dbos benchmark: machine CPU per run, split by process, and the SQL statements (round
// trips) per run, for flowspec/dbos in both commitBeforeSteps modes and for raw DBOS Transact doing
// the same fan-out (issue 20, goal 3). Ratios are against raw DBOS measured in the same run.
//
//   npm run bench:dbos:cpu
//   (node --no-deprecation --import ./tests/dbos/support/register.mjs bench/dbos/cpu.ts)
//
// Each configuration runs BENCH_RUNS fan-out runs per worker (BENCH_BRANCHES branches × BENCH_STEP_MS,
// the process step 4 at a time) on fresh worker processes (tests/dbos/fixtures/worker.ts), enqueued by
// this process (the client) all at once, at most BENCH_WORKER_CONCURRENCY at a time per worker, each
// awaited for its result. Configurations are interleaved over BENCH_ROUNDS rounds; the table
// shows medians. What is counted, from the first enqueue to the last result (warm-up runs excluded):
//   worker, client   process.cpuUsage() of the process (user + system);
//   Postgres         utime + stime (/proc/<pid>/stat) of the Postgres backends serving the bench
//                    database (sampled every 100 ms; a backend that exits between samples loses at
//                    most that much). Postgres's shared processes (WAL writer, checkpointer, …) are
//                    listed apart: they serve every database on this server;
//   statements       every query any `pg` client of the worker and the client sent (one query, one
//                    round trip; BEGIN and COMMIT included), by statement (tests/dbos/support/meter.ts).
//                    pg_stat_statements would need a server restart (shared_preload_libraries).
// Configurations:
//   raw DBOS                  the same fan-out written with DBOS.runStep (`bench.rawFan`: init, then per
//                             item a process step and a collect step, 4 items at a time), on a plain
//                             DBOS worker (FLOWSPEC_RAW_ONLY=1, no flowspec), enqueued on a DBOS queue
//                             by a DBOSClient in this process, awaited with getResult (polling 100 ms)
//   flowspec/dbos, strict     commitBeforeSteps: true (the default)
//   flowspec/dbos, lenient    commitBeforeSteps: false
// Knobs: BENCH_RUNS=40, BENCH_ROUNDS=3, BENCH_BRANCHES=10, BENCH_STEP_MS=100, BENCH_WORKER_CONCURRENCY=8,
// BENCH_HEARTBEAT_MS=1000 (the worker's liveness: the documented default), BENCH_CONFIGS (comma-separated
// subset: raw,strict,lenient), BENCH_WORKERS=1 (comma-separated worker counts: with n workers, n × BENCH_RUNS
// runs, the workers' CPU summed; `runs/s vs 1` compares with one worker of the same configuration),
// BENCH_SQL=1 (also print statements per run by statement). `--quick`: 1 round of 20 runs per worker.
// Prints summary lines for `npm run bench` (bench/report.ts): machine CPU per run against raw DBOS
// (goal ≤ 0.33×), and with several worker counts, runs/s of the most workers against one (goal ≥ 3×
// for 4).

import { readFileSync } from "node:fs";
import { postgresProblem, startChild, stopChild, BASE_URL, type Child } from "../../tests/dbos/support/harness.js";
import { installSqlMeter, meterDelta, readMeter, type MeterReading } from "../../tests/dbos/support/meter.js";
import { summarize } from "../report.js";
import { benchCluster } from "./cluster.js";

installSqlMeter();
const { itemsOf } = await import("../../tests/dbos/fixtures/flows.js");
const { DBOSClient } = await import("@dbos-inc/dbos-sdk");

const QUICK = process.argv.includes("--quick"); // npm run bench: one round of 20 runs per worker
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 20 : 40));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const BRANCHES = Number(process.env.BENCH_BRANCHES ?? 10);
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 100);
const CONC = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 8);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 1000);
const CONFIGS = (process.env.BENCH_CONFIGS ?? "raw,strict,lenient").split(",");
const WORKERS = (process.env.BENCH_WORKERS ?? "1").split(",").map(Number);
const SHOW_SQL = process.env.BENCH_SQL === "1";
const WARMUP = 4;

const problem = await postgresProblem();
if (problem !== null) {
  console.error(`bench/dbos/cpu: ${problem}`);
  process.exit(1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const TICK_MS = 1000 / 100; // USER_HZ (getconf CLK_TCK) is 100 on Linux

// ---- Postgres processes: CPU from /proc, which backend serves which database from pg_stat_activity.
const requirePg = (await import("node:module")).createRequire((await import("node:module")).createRequire(import.meta.url).resolve("@dbos-inc/dbos-sdk"));
const pg = requirePg("pg") as { Client: new (o: object) => { connect(): Promise<void>; query(t: string, v?: unknown[]): Promise<{ rows: any[] }>; end(): Promise<void>; on(e: string, l: () => void): void } };
// On the base database (not a backend of the bench database); its queries are not counted as the client's (`monitor` in the meter).
const monitor = new pg.Client({ connectionString: BASE_URL });
monitor.on("error", () => undefined);
await monitor.connect();
const cpuOfPid = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return null;
  }
};
/** Samples the Postgres processes until stopped: the CPU each backend of `db`, and each shared process, used meanwhile. */
function samplePostgres(db: string) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const kind = new Map<number, "db" | "shared">();
  let stopped = false;
  // Which processes: pg_stat_activity every 5th pass (connections are pooled, so backends are long-lived); CPU: every pass.
  const sample = async () => {
    if (loops % 5 === 0) {
      const { rows } = await monitor.query(
        `SELECT pid, datname, backend_type FROM pg_stat_activity WHERE (datname = $1) OR (datname IS NULL AND backend_type <> 'client backend')`,
        [db],
      );
      for (const r of rows as { pid: number; datname: string | null; backend_type: string }[]) {
        if (first.has(r.pid)) continue;
        const cpu = cpuOfPid(r.pid);
        if (cpu === null) continue;
        // A backend first seen after the first pass started during the window: count from its start.
        first.set(r.pid, loops === 0 ? cpu : 0);
        kind.set(r.pid, r.datname === db ? "db" : "shared");
      }
    }
    for (const pid of first.keys()) {
      const cpu = cpuOfPid(pid);
      if (cpu !== null) last.set(pid, cpu);
    }
  };
  let loops = 0;
  const done = (async () => {
    while (!stopped) {
      await sample().catch(() => undefined);
      loops++;
      await new Promise((r) => setTimeout(r, 100));
    }
    await sample().catch(() => undefined);
  })();
  return async () => {
    stopped = true;
    await done;
    let dbMs = 0;
    let sharedMs = 0;
    for (const [pid, f] of first) {
      const d = (last.get(pid) ?? f) - f;
      if (kind.get(pid) === "db") dbMs += d;
      else sharedMs += d;
    }
    return { dbMs, sharedMs };
  };
}

// ---- the configurations
const { db, children, runtime, fan, close } = await benchCluster();

interface Sample {
  config: string;
  workers: number;
  runs: number;
  wallMs: number;
  worker: MeterReading;
  client: MeterReading;
  pgDbMs: number;
  pgSharedMs: number;
}
const samples: Sample[] = [];

try {
  await runtime.launch();
  const client = await DBOSClient.create({ systemDatabaseUrl: db.url, applicationName: "bench-raw" } as Parameters<typeof DBOSClient.create>[0]);
  const meterOf = async (w: Child): Promise<MeterReading> => {
    const seq = Math.random();
    w.send({ type: "meter", seq });
    return (await w.waitFor((m) => m.type === "meter" && m.seq === seq, 30_000)).reading as MeterReading;
  };
  let seq = 0;
  const runBatch = async (config: string, n: number): Promise<void> => {
    const ids = Array.from({ length: n }, () => `${config}-${seq++}`);
    if (config === "raw") {
      const handles = await Promise.all(
        ids.map((id, i) =>
          client.enqueue({ queueName: "bench.raw", workflowName: "bench.rawFan", workflowID: id, appVersion: "bench-raw" }, itemsOf(i, BRANCHES) as never),
        ),
      );
      await Promise.all(handles.map((h) => (h.getResult as (o: object) => Promise<unknown>)({ pollingIntervalMs: 100 })));
    } else {
      await Promise.all(ids.map((id, i) => fan.run({ items: itemsOf(i, BRANCHES) }, { runId: id })));
    }
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of WORKERS) for (const config of CONFIGS) {
      const env = (k: number): Record<string, string> => ({
        FLOWSPEC_PG_URL: db.url,
        FLOWSPEC_WHO: `cpu-${config}-${n}-${k}-${round}`,
        FLOWSPEC_STEP_MS: String(STEP_MS),
        FLOWSPEC_WORKER_CONCURRENCY: String(CONC),
        FLOWSPEC_FLOWS: "fan",
        FLOWSPEC_METER: "1",
        FLOWSPEC_HEARTBEAT_MS: String(HEARTBEAT_MS),
        FLOWSPEC_STALE_MS: String(HEARTBEAT_MS * 5),
        FLOWSPEC_TIMEOUT: "600",
        ...(config === "raw" ? { FLOWSPEC_RAW_ONLY: "1" } : {}),
        ...(config === "lenient" ? { FLOWSPEC_COMMIT: "0" } : {}),
        ...(process.env.BENCH_PROF_DIR ? { FLOWSPEC_CPU_PROF: `${process.env.BENCH_PROF_DIR}/${config}-${n}-${k}-${round}.cpuprofile` } : {}),
      });
      const ws = Array.from({ length: n }, (_, k) => startChild("worker.ts", env(k)));
      children.push(...ws);
      await Promise.all(ws.map((w) => w.waitFor((m) => m.type === "ready", 60_000)));
      await runBatch(config, WARMUP * n);
      const stopPg = samplePostgres(db.name);
      await new Promise((r) => setTimeout(r, 150)); // the sampler's first pass is the baseline
      const w0 = await Promise.all(ws.map(meterOf));
      const c0 = readMeter();
      const t0 = performance.now();
      await runBatch(config, RUNS * n);
      const wallMs = performance.now() - t0;
      const w1 = await Promise.all(ws.map(meterOf));
      const c1 = readMeter();
      const pgCpu = await stopPg();
      const clientDelta = meterDelta(c0, c1);
      delete (clientDelta.sql as Record<string, number>)["SELECT pg_stat_activity"]; // the sampler's own
      const worker = w0.map((r, k) => meterDelta(r, w1[k]!)).reduce((a, b) => ({ cpuMs: a.cpuMs + b.cpuMs, sql: sumSql(a.sql, b.sql) }));
      const runs = RUNS * n;
      samples.push({ config, workers: n, runs, wallMs, worker, client: clientDelta, pgDbMs: pgCpu.dbMs, pgSharedMs: pgCpu.sharedMs });
      await Promise.all(ws.map(stopChild));
      console.error(
        `bench/dbos/cpu: round ${round + 1} ${config}, ${n} worker(s): ${runs} runs in ${wallMs.toFixed(0)} ms; worker(s) ${(worker.cpuMs / runs).toFixed(1)} ms/run, client ${(clientDelta.cpuMs / runs).toFixed(1)}, Postgres ${(pgCpu.dbMs / runs).toFixed(1)} (+ shared ${(pgCpu.sharedMs / runs).toFixed(1)})`,
      );
    }
  }
  await client.destroy();
} finally {
  await monitor.end().catch(() => undefined);
  await close();
}

// ---- the table
const NAMES: Record<string, string> = { raw: "raw DBOS (DBOS.runStep, DBOSClient)", strict: "flowspec/dbos, commitBeforeSteps: true", lenient: "flowspec/dbos, commitBeforeSteps: false" };
const total = (sql: Record<string, number>) => Object.values(sql).reduce((a, b) => a + b, 0);
const rowsOf = WORKERS.flatMap((n) => CONFIGS.map((config) => {
  const mine = samples.filter((s) => s.config === config && s.workers === n);
  const per = (f: (s: Sample) => number) => median(mine.map((s) => f(s) / s.runs));
  const machine = per((s) => s.worker.cpuMs + s.client.cpuMs + s.pgDbMs);
  return {
    config,
    n,
    worker: per((s) => s.worker.cpuMs),
    client: per((s) => s.client.cpuMs),
    pg: per((s) => s.pgDbMs),
    machine,
    shared: per((s) => s.pgSharedMs),
    stmts: per((s) => total(s.worker.sql) + total(s.client.sql)),
    workerStmts: per((s) => total(s.worker.sql)),
    commits: per((s) => (s.worker.sql.COMMIT ?? 0) + (s.client.sql.COMMIT ?? 0)),
    rps: median(mine.map((s) => (s.runs / s.wallMs) * 1000)),
  };
}));
const rawOf = (n: number) => rowsOf.find((r) => r.config === "raw" && r.n === n);
const ratio = (x: number, base: number | undefined) => (base === undefined ? "—" : `${(x / base).toFixed(2)}×`);
print(
  `Machine CPU per run: fan-out of ${BRANCHES} × ${STEP_MS} ms (4 at a time), ${RUNS} runs per worker per sample, ${CONC} at a time per worker, median of ${ROUNDS} rounds; ratios against raw DBOS with as many workers, in the same run (Postgres's shared processes, WAL writer and checkpointer: ${(median(samples.map((s) => s.pgSharedMs / s.runs))).toFixed(1)} ms per run)`,
  [
    ["", "workers", "worker(s)", "client", "Postgres", "machine", "vs raw DBOS", "statements", "of which worker(s)", "vs raw DBOS", "transactions", "runs/s", "runs/s vs 1 worker"],
    ...rowsOf.map((r) => [
      NAMES[r.config] ?? r.config,
      String(r.n),
      `${r.worker.toFixed(1)} ms`,
      `${r.client.toFixed(1)} ms`,
      `${r.pg.toFixed(1)} ms`,
      `${r.machine.toFixed(1)} ms`,
      ratio(r.machine, rawOf(r.n)?.machine),
      r.stmts.toFixed(0),
      r.workerStmts.toFixed(0),
      ratio(r.stmts, rawOf(r.n)?.stmts),
      r.commits.toFixed(1),
      r.rps.toFixed(1),
      ratio(r.rps, rowsOf.find((o) => o.config === r.config && o.n === 1)?.rps),
    ]),
  ],
);
for (const r of rowsOf) {
  const base = rawOf(r.n);
  if (r.config === "raw" || base === undefined) continue;
  const ratioValue = r.machine / base.machine;
  summarize({
    bench: "dbos",
    figure: `machine CPU per run, ${NAMES[r.config] ?? r.config}, ${r.n} worker(s)`,
    ours: `${r.machine.toFixed(1)} ms`,
    against: `raw DBOS ${base.machine.toFixed(1)} ms`,
    ratio: ratioValue,
    goal: "≤ 0.33×",
    met: ratioValue <= 1 / 3,
  });
}
const most = Math.max(...WORKERS);
if (most > 1) {
  for (const config of CONFIGS.filter((c) => c !== "raw")) {
    const one = rowsOf.find((r) => r.config === config && r.n === 1);
    const many = rowsOf.find((r) => r.config === config && r.n === most);
    if (one === undefined || many === undefined) continue;
    summarize({
      bench: "dbos",
      figure: `runs/s with ${most} workers, ${NAMES[config] ?? config}`,
      ours: `${many.rps.toFixed(1)} runs/s`,
      against: `1 worker ${one.rps.toFixed(1)} runs/s`,
      ratio: many.rps / one.rps,
      goal: `≥ ${most === 4 ? 3 : (most * 3) / 4}×`,
      met: many.rps / one.rps >= (most === 4 ? 3 : (most * 3) / 4),
    });
  }
}
if (SHOW_SQL) {
  for (const config of CONFIGS) {
    const last = samples.filter((s) => s.config === config && s.workers === WORKERS[0]).at(-1)!;
    const RUNS = last.runs;
    const merged = new Map<string, [number, number]>();
    for (const [k, n] of Object.entries(last.worker.sql)) merged.set(k, [n, 0]);
    for (const [k, n] of Object.entries(last.client.sql)) merged.set(k, [merged.get(k)?.[0] ?? 0, n]);
    print(
      `Statements per run, ${NAMES[config] ?? config} (last round)`,
      [["statement", "worker", "client"], ...[...merged].sort((a, b) => b[1][0] + b[1][1] - a[1][0] - a[1][1]).map(([k, [w, c]]) => [k, (w / RUNS).toFixed(2), (c / RUNS).toFixed(2)])],
    );
  }
}
process.exit(0);

function sumSql(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function print(title: string, table: string[][]) {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  console.log(`\n${title}\n`);
  for (const [k, r] of table.entries()) {
    console.log(`| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`);
    if (k === 0) console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  }
}
