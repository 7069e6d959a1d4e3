// In-process compile() time for generated specs of 250 to 4,000 steps, and how it grows.
//
//   npm run build && node dist/bench/compile/bench.js [--runs N]
//
// Each spec is a chain of steps (one event per step with three fields, a named type every tenth step,
// a resource every fifth, retries every seventh, state) ending in a stop event; the 4,000-step spec is
// just under the 1 MB limit on a spec's size. Prints the median of N runs per size
// (after warm-up), split into analyze (parse + checks) and emit, then the log-log slope of compile time
// against steps: 1 is linear. Goals: 4,000 steps under 1 s, slope under 1.2.

import { analyze } from "../../compiler/analyze.js";
import { compile } from "../../compiler/compile.js";
import { emitModule } from "../../compiler/emit/index.js";
import { growthExponent, syntheticSpec } from "../synthetic-spec.js";
import { summarize } from "../report.js";

const SIZES = [250, 500, 1000, 2000, 4000];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function main(): void {
  const runsFlag = process.argv.indexOf("--runs");
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
  const options = { path: "specs/bench/bench.yaml", outPath: "generated/bench/bench.ts" };

  // Warm-up: let the JIT see every code path before measuring.
  const warm = syntheticSpec(500);
  for (let i = 0; i < 3; i++) compile(warm, options);

  const rows: { steps: number; bytes: number; output: number; analyze: number; emit: number; compile: number }[] = [];
  for (const steps of SIZES) {
    const source = syntheticSpec(steps);
    const check = compile(source, options);
    const errors = check.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0 || check.files.length !== 1) throw new Error(`the ${steps}-step spec does not compile: ${errors[0]?.message}`);
    const model = analyze(source, { path: options.path }).model!;
    const emitOptions = { specPath: options.path, outPath: options.outPath, runtimeImport: "flowspec/runtime" };
    const analyzeTimes: number[] = [];
    const emitTimes: number[] = [];
    const compileTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      analyzeTimes.push(time(() => analyze(source, { path: options.path })));
      emitTimes.push(time(() => emitModule(model, emitOptions)));
      compileTimes.push(time(() => compile(source, options)));
    }
    rows.push({
      steps,
      bytes: Buffer.byteLength(source),
      output: Buffer.byteLength(check.files[0]!.contents),
      analyze: median(analyzeTimes),
      emit: median(emitTimes),
      compile: median(compileTimes),
    });
  }

  const pad = (text: string, width: number) => text.padStart(width);
  process.stdout.write(`compile() in-process, median of ${runs} runs (node ${process.version})\n`);
  process.stdout.write(`${pad("steps", 6)} ${pad("spec KB", 8)} ${pad("output KB", 10)} ${pad("analyze ms", 11)} ${pad("emit ms", 8)} ${pad("compile ms", 11)}\n`);
  for (const row of rows) {
    const kb = (bytes: number) => (bytes / 1024).toFixed(0);
    process.stdout.write(
      `${pad(String(row.steps), 6)} ${pad(kb(row.bytes), 8)} ${pad(kb(row.output), 10)} ${pad(row.analyze.toFixed(1), 11)} ${pad(row.emit.toFixed(1), 8)} ${pad(row.compile.toFixed(1), 11)}\n`,
    );
  }
  const slope = growthExponent(rows.map((row) => ({ size: row.steps, ms: row.compile })));
  const emitSlope = growthExponent(rows.map((row) => ({ size: row.steps, ms: row.emit })));
  const largest = rows[rows.length - 1]!;
  process.stdout.write(`growth exponent (log-log slope): compile ${slope.toFixed(2)}, emit alone ${emitSlope.toFixed(2)}\n`);
  const first = rows[0]!;
  const linear = first.compile * (largest.steps / first.steps);
  summarize({ bench: "compile", figure: `compile, ${largest.steps.toLocaleString("en-US")} steps`, ours: `${largest.compile.toFixed(0)} ms`, against: `linear from ${first.steps} steps ${linear.toFixed(0)} ms`, ratio: largest.compile / linear, goal: "≤ 1.25× (and < 1 s)", met: largest.compile / linear <= 1.25 && largest.compile < 1000 });
  process.stdout.write(
    `goals: ${largest.steps} steps < 1000 ms: ${largest.compile < 1000 ? "met" : "MISSED"} (${largest.compile.toFixed(0)} ms); exponent < 1.2: ${slope < 1.2 ? "met" : "MISSED"}\n`,
  );
}

main();
