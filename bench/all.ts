// `npm run bench`: every benchmark at a quick size, one after another, then one table of the
// ratios each prints against its anchor or limit (measured in the same run, so a noisy machine
// cannot fake them). The full tables and commands are in docs/performance.md.
//
//   npm run bench                 # all (the DBOS one needs Postgres: FLOWSPEC_PG_URL or 127.0.0.1:5432)
//   npm run bench -- runtime cli  # some (runtime, durable, server, dbos, check, compile, watch, cli)
//
// Each benchmark's own output goes to stderr as it runs; the summary table goes to stdout.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SUMMARY_MARK, type Summary } from "./report.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

interface Bench {
  readonly name: string;
  readonly args: readonly string[];
}

const node = (script: string, ...args: string[]) => ["--expose-gc", `dist/bench/${script}`, ...args];

const BENCHES: readonly Bench[] = [
  { name: "runtime", args: node("runtime/bench.js", "flowspec", "hand-written", "hand-written + zod", "workflow-core", "--scenario=pingpong", "--scenario=fan") },
  { name: "durable", args: node("durable/bench.js", "--quick") },
  { name: "server", args: node("server/bench.js", "--quick") },
  { name: "dbos", args: ["--no-deprecation", "--import", "./tests/dbos/support/register.mjs", "bench/dbos/cpu.ts", "--quick"] },
  { name: "check", args: node("check/bench.js") },
  { name: "compile", args: node("compile/bench.js", "--runs", "3") },
  { name: "watch", args: node("watch/bench.js", "--edits", "15") },
  { name: "cli", args: node("cli/bench.js", "--runs", "10") },
];

const only = process.argv.slice(2);
const rows: Summary[] = [];
const failed: string[] = [];
for (const bench of BENCHES) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  process.stderr.write(`\n=== ${bench.name}: node ${bench.args.join(" ")}\n`);
  const run = spawnSync(process.execPath, [...bench.args], { cwd: REPO, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "inherit"] });
  const found: Summary[] = [];
  for (const line of run.stdout.split("\n")) {
    if (line.startsWith(SUMMARY_MARK)) found.push(JSON.parse(line.slice(SUMMARY_MARK.length)) as Summary);
    else process.stderr.write(line + "\n");
  }
  rows.push(...found);
  if (run.status !== 0 || found.length === 0) failed.push(`${bench.name} (${run.status !== 0 ? `exit ${run.status ?? run.signal}` : "no summary line"})`);
}

const table = [["bench", "figure", "ours", "against (same run)", "ratio", "goal", "met"]];
for (const r of rows) {
  table.push([r.bench, r.figure, r.ours, r.against, `${r.ratio.toFixed(2)}×`, r.goal ?? "", r.met === undefined ? "" : r.met ? "yes" : "no"]);
}
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
console.log("");
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, j) => cell.padEnd(widths[j]!)).join("  ").trimEnd());
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
if (failed.length > 0) {
  console.log(`\nNo figures from: ${failed.join(", ")}`);
  process.exitCode = 1;
}
