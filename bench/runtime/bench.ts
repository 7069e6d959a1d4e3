// flowspec runtime benchmark.
//
//   npm run build && node --expose-gc dist/bench/runtime/bench.js
//
// Optional arguments name the engines to run (`… bench.js flowspec hand-written`) and the
// scenarios (`--scenario=pingpong`, `--scenario=fan`, `--scenario=deep`).
// Before/after in one run: `--baseline=<dir>` adds the engine "flowspec (baseline)", the same
// flows on the runtime built in <dir>/dist/runtime (for example a `git worktree` of the previous
// commit, built with `npx tsc -p tsconfig.build.json`), interleaved with the others.
// (When the rest of the repo does not build, `npx tsc -p bench/runtime/tsconfig.json` builds just
// the runtime and this benchmark into the same dist/ paths.)
//
// Every (scenario, engine) pair runs in its own child process — fresh heap, fresh JIT — which
// warms up, then times REPS runs. Engines are interleaved over ROUNDS rounds so that background
// load (the machine may be shared) hits them alike; throughput is the best run seen, memory the
// worst. Peak heap is sampled every 8192 events (from inside the steps, so engines that never
// yield are sampled too), over the heap after a GC before the timed runs; "retained" is the heap
// growth left after the runs and a GC; peak RSS is the child process's maximum resident set.

import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { baseline, baselineZod, flowspec, workflowCore, workflowCoreDocumented, type Run } from "./engines.js";
import { memory } from "./flows.js";
import { summarize } from "../report.js";

const ENGINES: Record<string, Record<string, Run>> = {
  flowspec,
  "workflow-core": workflowCore,
  "workflow-core (documented)": workflowCoreDocumented,
  "hand-written": baseline,
  "hand-written + zod": baselineZod,
};

const SCENARIOS: Record<string, { n: number; label: string }> = {
  pingpong: { n: 100_000, label: "ping-pong, 100,000 events between two steps" },
  fan: { n: 10_000, label: "fan-out/fan-in, 10,000 events (+10,000 results), 8 workers" },
  deep: { n: 100_000, label: "deep synchronous sends, 100,000 nested" },
};

/** Smaller sizes for engines that cannot do the full size in reasonable time. */
const SIZE_OVERRIDES: Record<string, Record<string, number>> = {
  // Quadratic: every stream event walks the chain of all earlier handler contexts.
  "workflow-core (documented)": { pingpong: 10_000 },
};

/** Printed under a scenario's table when the engine ran in it. */
const NOTES: Record<string, Record<string, string>> = {
  "workflow-core": {
    deep: "workflow-core runs a synchronous handler's sends recursively: the stack overflows after ~440 nested sends and the RangeError is swallowed (it aborts the handler), so the run never completes.",
  },
  "workflow-core (documented)": {
    pingpong: "workflow-core's documented idiom, stream.until(stop).toArray(): quadratic (each stream event walks the chain of earlier handler contexts), hence n=10,000.",
  },
};

const REPS = 3;
const ROUNDS = 3;
const MB = 1024 * 1024;

interface Measurement {
  eps?: number;
  peakHeapMB?: number;
  peakRssMB?: number;
  retainedMB?: number;
  error?: string;
}

async function child(scenario: string, engine: string, n: number): Promise<Measurement> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const run = ENGINES[engine]![scenario]!;
  try {
    for (let i = 0; i < 3; i++) await run(Math.max(1, n / 10));
    gc();
    const heapBase = process.memoryUsage().heapUsed;
    let peakHeap = heapBase;
    memory.sample = () => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    };
    const times: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const t0 = performance.now();
      await run(n);
      times.push(performance.now() - t0);
      memory.sample();
    }
    gc();
    return {
      eps: (n / Math.min(...times)) * 1000,
      peakHeapMB: (peakHeap - heapBase) / MB,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      retainedMB: (process.memoryUsage().heapUsed - heapBase) / MB,
    };
  } catch (error) {
    return { error: error instanceof RangeError ? "RangeError (stack overflow)" : String(error) };
  }
}

/** The engine that runs flowspec's flows on the baseline build (`--baseline=<dir>`). */
const BASELINE = "flowspec (baseline)";

/** Runs one child; a crash becomes an error row. `swap`: the runtime build to load instead of this one. */
function measure(args: string[], swap?: string): Measurement {
  try {
    const self = fileURLToPath(new URL("./runtime-swap.js", import.meta.url));
    const argv = swap === undefined ? args : ["--import", self, ...args];
    const env = swap === undefined ? process.env : { ...process.env, FLOWSPEC_RUNTIME_SWAP: swap };
    const out = execFileSync(process.execPath, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env });
    return JSON.parse(out.trim().split("\n").at(-1)!) as Measurement;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? error).trim().split("\n");
    return { error: `crashed: ${stderr.find((line) => /Error/.test(line)) ?? stderr.at(-1)}` };
  }
}

/** Best throughput, worst memory. */
function merge(a: Measurement | undefined, b: Measurement): Measurement {
  if (a === undefined || a.error !== undefined) return b;
  if (b.error !== undefined) return a;
  const max = (x?: number, y?: number) => Math.max(x ?? 0, y ?? 0);
  return { eps: max(a.eps, b.eps), peakHeapMB: max(a.peakHeapMB, b.peakHeapMB), peakRssMB: max(a.peakRssMB, b.peakRssMB), retainedMB: max(a.retainedMB, b.retainedMB) };
}

function fmt(value: number | undefined, digits = 1): string {
  return value === undefined ? "-" : value.toFixed(digits);
}

function parent(only: string[], scenarios: string[], baseline: string | undefined): void {
  const self = fileURLToPath(import.meta.url);
  console.log(`flowspec runtime benchmark — node ${process.version}, best of ${ROUNDS} rounds × ${REPS} runs\n`);
  for (const [scenario, { label }] of Object.entries(SCENARIOS)) {
    if (scenarios.length > 0 && !scenarios.includes(scenario)) continue;
    const engines = Object.keys(ENGINES).filter((e) => ENGINES[e]![scenario] && (only.length === 0 || only.includes(e)));
    if (baseline !== undefined) engines.splice(1, 0, BASELINE);
    const best = new Map<string, Measurement>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const engine of engines) {
        const n = SIZE_OVERRIDES[engine]?.[scenario] ?? SCENARIOS[scenario]!.n;
        const runs = engine === BASELINE ? "flowspec" : engine;
        const args = ["--expose-gc", self, "--child", scenario, runs, String(n)];
        const name = n === SCENARIOS[scenario]!.n ? engine : `${engine}, n=${n.toLocaleString("en-US")}`;
        best.set(name, merge(best.get(name), measure(args, engine === BASELINE ? join(baseline!, "dist/runtime/index.js") : undefined)));
      }
    }
    const rows = [...best];
    const get = (name: string) => best.get(name)?.eps;
    const ours = get("flowspec");
    console.log(label);
    console.log("  engine                                   events/s   flowspec ×   peak heap MB   peak RSS MB   retained MB");
    for (const [engine, m] of rows) {
      const ratio = m.eps !== undefined && ours !== undefined ? (ours / m.eps).toFixed(2) : "-";
      const speed = m.error ?? Math.round(m.eps!).toLocaleString("en-US");
      console.log(
        `  ${engine.padEnd(39)}${speed.padStart(11)}${ratio.padStart(13)}${fmt(m.peakHeapMB).padStart(15)}${fmt(m.peakRssMB, 0).padStart(14)}${fmt(m.retainedMB).padStart(14)}`,
      );
    }
    const wc = get("workflow-core");
    const hand = get("hand-written");
    const goals: string[] = [];
    if (ours !== undefined && wc !== undefined) goals.push(`vs workflow-core: ${(ours / wc).toFixed(1)}x (goal >= 10x)`);
    if (ours !== undefined && hand !== undefined) goals.push(`hand-written is ${(hand / ours).toFixed(2)}x flowspec (goal <= 3x)`);
    const before = get(BASELINE);
    if (ours !== undefined && before !== undefined) goals.push(`this build vs baseline: ${(((ours - before) / before) * 100).toFixed(1)}%`);
    if (goals.length > 0) console.log(`  ${goals.join("; ")}`);
    const short = label.split(",")[0];
    const perSecond = (eps: number) => `${(eps / 1e6).toFixed(2)}M ev/s`;
    if (ours !== undefined && hand !== undefined) {
      summarize({ bench: "runtime", figure: `${short}: hand-written ÷ flowspec`, ours: perSecond(ours), against: `hand-written loop ${perSecond(hand)}`, ratio: hand / ours, goal: "≤ 3×", met: hand / ours <= 3 });
    }
    const zod = get("hand-written + zod");
    if (ours !== undefined && zod !== undefined) {
      summarize({ bench: "runtime", figure: `${short}: zod loop ÷ flowspec`, ours: perSecond(ours), against: `hand-written + zod ${perSecond(zod)}`, ratio: zod / ours, goal: "≤ 1.5×", met: zod / ours <= 1.5 });
    }
    if (ours !== undefined && wc !== undefined) {
      summarize({ bench: "runtime", figure: `${short}: flowspec ÷ workflow-core`, ours: perSecond(ours), against: `workflow-core ${perSecond(wc)}`, ratio: ours / wc, goal: "≥ 10×", met: ours / wc >= 10 });
    }
    for (const engine of engines) if (NOTES[engine]?.[scenario]) console.log(`  Note: ${NOTES[engine]![scenario]}`);
    console.log("");
  }
  console.log("flowspec × = flowspec's events/s divided by the row's (above 1: flowspec is faster).");
}

if (process.argv[2] === "--child") {
  let reported = false;
  // A run whose promise never settles lets the event loop empty: say so instead of nothing.
  process.on("exit", () => reported || console.log(JSON.stringify({ error: "never completed" })));
  child(process.argv[3]!, process.argv[4]!, Number(process.argv[5])).then((m) => {
    reported = true;
    console.log(JSON.stringify(m));
  });
} else {
  const args = process.argv.slice(2);
  const scenarios = args.filter((a) => a.startsWith("--scenario=")).map((a) => a.slice("--scenario=".length));
  const baseline = args.find((a) => a.startsWith("--baseline="))?.slice("--baseline=".length);
  parent(args.filter((a) => !a.startsWith("--")), scenarios, baseline === undefined ? undefined : resolve(baseline));
}
