// flowspec/server benchmark (issue 17): one server process (a child), load from this one, over
// loopback HTTP with keep-alive.
//   - start-and-wait runs/s of a trivial two-step workflow (POST /workflows/trivial/run), with 1 and
//     with 16 clients, in memory and on a SQLite journal;
//   - SSE write-to-receive latency, p50 and p99 over 200 events written 10 ms apart;
//   - the server's memory (RSS and heap after a full GC) after 1,000 and after 10,000 runs
//     (retention keeps 1,000 finished runs, so it should stay flat).
// Run: npm run bench:server (builds first). Options: --runs N (runs per throughput case, default 2000);
// --quick (as `npm run bench` runs it): 1,000 runs per case, memory after 1,000 and 3,000 runs.
// The anchor measured in the same run: the same workflow started and awaited in process
// (`flow.run`, 16 at a time), which is what the server adds HTTP, JSON and its run table to.
// The reference (llama-agents-server, same kind of machine): 88-100 runs/s in memory, 14 on SQLite,
// SSE p50 1.5 ms / p99 6.5 ms, 21 KB per retained run.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { TrivialFlow, wallMs } from "./flows.js";
import { summarize } from "../report.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "2000" }, quick: { type: "boolean", default: false } } });
const RUNS = values.quick ? 1000 : Number(values.runs);
/** Runs before each memory reading: warm-up, then the two the table reports (retention is 1,000). */
const MEMORY_RUNS = values.quick ? [200, 800, 2000] : [200, 800, 9000];
if (!Number.isInteger(RUNS) || RUNS < 16) throw new Error(`--runs must be an integer >= 16, got ${values.runs}`);
const CHILD = fileURLToPath(new URL("./child.js", import.meta.url));

interface Server {
  url: string;
  child: ChildProcess;
  mem(): Promise<{ rss: number; heap: number }>;
  stop(): Promise<void>;
}

async function startServer(journal?: string): Promise<Server> {
  const child = spawn(process.execPath, ["--expose-gc", CHILD, ...(journal ? ["--journal", journal] : [])], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  const waiters: ((line: string) => void)[] = [];
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    out += chunk;
    let nl: number;
    while ((nl = out.indexOf("\n")) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      waiters.shift()?.(line);
    }
  });
  const next = () => new Promise<string>((resolve) => waiters.push(resolve));
  const first = await next();
  const url = /^LISTENING (\S+)/.exec(first)?.[1];
  if (!url) throw new Error(`server said: ${first}`);
  return {
    url,
    child,
    mem: async () => {
      const reply = next();
      child.stdin!.write("mem\n");
      const [, rss, heap] = (await reply).split(" ");
      return { rss: Number(rss), heap: Number(heap) };
    },
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** `runs` start-and-wait runs spread over `clients` concurrent loops; runs/s and latency percentiles. */
async function throughput(url: string, clients: number, runs: number) {
  let left = runs;
  const latencies: number[] = [];
  const loop = async () => {
    while (left-- > 0) {
      const t0 = performance.now();
      const r = await fetch(`${url}/workflows/trivial/run`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      const h = (await r.json()) as { status: string };
      if (h.status !== "completed") throw new Error(`run ended ${h.status}`);
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, loop));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: runs / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Write-to-receive latency of `count` SSE events written `gapMs` apart. */
async function sseLatency(url: string, count: number, gapMs: number) {
  const started = await fetch(`${url}/workflows/ticker/run-nowait`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ start_event: { count, gapMs, delayMs: 200 } }) });
  const { handler_id } = (await started.json()) as { handler_id: string };
  const res = await fetch(`${url}/events/${handler_id}?after_sequence=-1`);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const latencies: number[] = [];
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const now = wallMs();
    buffer += value;
    const frames = buffer.split("\n\n");
    buffer = frames.pop()!;
    for (const frame of frames) {
      const data = frame.split("\n").find((l) => l.startsWith("data: "));
      if (!data) continue;
      const ev = JSON.parse(data.slice(6)) as { type: string; value: { t: number } };
      if (ev.type === "Tick") latencies.push(now - ev.value.t);
    }
  }
  if (latencies.length !== count) throw new Error(`got ${latencies.length} ticks of ${count}`);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** The anchor: start-and-wait of the same workflow in this process, 16 at a time, runs/s. */
async function inProcess(runs: number): Promise<number> {
  const flow = new TrivialFlow();
  let left = runs;
  const loop = async () => {
    while (left-- > 0) await flow.run();
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: 16 }, loop));
  return runs / ((performance.now() - start) / 1000);
}

const rows: string[][] = [];
const row = (...cells: string[]) => rows.push(cells);
await inProcess(200); // warm-up
const anchor = await inProcess(RUNS);
row("start-and-wait in process (flow.run), 16 at a time", `${anchor.toFixed(0)} runs/s`, "the anchor: no HTTP");
const dir = mkdtempSync(join(tmpdir(), "flowspec-bench-server-"));
try {
  for (const store of ["memory", "sqlite"] as const) {
    const server = await startServer(store === "sqlite" ? join(dir, "runs.db") : undefined);
    try {
      await throughput(server.url, 4, 200); // warm-up
      for (const clients of [1, 16]) {
        const t = await throughput(server.url, clients, RUNS);
        row(`start-and-wait, ${store}, ${clients} client${clients > 1 ? "s" : ""}`, `${t.perSecond.toFixed(0)} runs/s`, `p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms`);
        if (clients === 16) {
          const goal = store === "memory" ? 2000 : 700;
          summarize({ bench: "server", figure: `start-and-wait over HTTP, ${store}, 16 clients`, ours: `${t.perSecond.toFixed(0)} runs/s`, against: `in process ${anchor.toFixed(0)} runs/s`, ratio: t.perSecond / anchor, goal: `≥ ${goal.toLocaleString("en-US")} runs/s`, met: t.perSecond >= goal });
        }
      }
      const l = await sseLatency(server.url, 200, 10);
      row(`SSE write-to-receive, ${store}, 200 events at 10 ms`, `p50 ${l.p50.toFixed(2)} ms`, `p99 ${l.p99.toFixed(2)} ms`);
      if (store === "memory") summarize({ bench: "server", figure: "SSE write-to-receive p99", ours: `${l.p99.toFixed(2)} ms`, against: `p50 ${l.p50.toFixed(2)} ms`, ratio: l.p99 / l.p50, goal: "p99 ≤ 5 ms", met: l.p99 <= 5 });
    } finally {
      await server.stop();
    }
  }
  const server = await startServer();
  try {
    const [warm, first, second] = MEMORY_RUNS as [number, number, number];
    await throughput(server.url, 16, warm);
    const base = await server.mem();
    await throughput(server.url, 16, first);
    const at1k = await server.mem();
    await throughput(server.url, 16, second);
    const atEnd = await server.mem();
    const total = (warm + first + second).toLocaleString("en-US");
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    row(`server memory after warm-up (${warm} runs)`, `RSS ${mb(base.rss)}`, `heap ${mb(base.heap)}`);
    row(`server memory after ${(warm + first).toLocaleString("en-US")} runs`, `RSS ${mb(at1k.rss)}`, `heap ${mb(at1k.heap)} (${((at1k.heap - base.heap) / first / 1024).toFixed(1)} KB/run over warm-up)`);
    row(`server memory after ${total} runs (retention 1,000)`, `RSS ${mb(atEnd.rss)}`, `heap ${mb(atEnd.heap)}`);
    summarize({ bench: "server", figure: `heap after ${total} runs (retention 1,000)`, ours: mb(atEnd.heap), against: `after ${(warm + first).toLocaleString("en-US")} runs ${mb(at1k.heap)}`, ratio: atEnd.heap / at1k.heap, goal: "flat: ≤ 1.1×", met: atEnd.heap / at1k.heap <= 1.1 });
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`flowspec/server, ${RUNS} runs per throughput case, loopback, one server process`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
