// CLI start-up benchmark: a bare `node -e 0` next to `flowspec --version` and
// `flowspec check specs/joke.yaml`, run interleaved (round-robin) in one run so machine load hits
// each alike; prints the median wall time of each and its ratio to bare node.
// Run: npm run bench:cli (builds first). Goal (issue 14): check within 2x of bare node.
// Options: --runs N (default 30), --bin PATH (default: the package's bin, dist/…).

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { summarize } from "../report.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const { values } = parseArgs({ options: { runs: { type: "string", default: "30" }, bin: { type: "string" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const pkg = JSON.parse(readFileSync(`${REPO}package.json`, "utf8")) as { bin: { flowspec: string } };
const bin = values.bin ?? `${REPO}${pkg.bin.flowspec}`;

const cases: { name: string; args: string[] }[] = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "flowspec --version", args: [bin, "--version"] },
  { name: "flowspec check specs/joke.yaml", args: [bin, "check", "specs/joke.yaml"] },
];

function once(args: string[]): number {
  const start = process.hrtime.bigint();
  const res = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`node ${args.join(" ")} exited ${res.status}: ${res.stderr}`);
  return ms;
}

const times = cases.map(() => [] as number[]);
for (const c of cases) once(c.args); // warm the file cache
for (let round = 0; round < runs; round++) cases.forEach((c, i) => times[i]!.push(once(c.args)));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const base = median(times[0]!);
console.log(`${runs} interleaved runs each, bin ${bin.startsWith(REPO) ? bin.slice(REPO.length) : bin}`);
console.log("command                           median ms   min ms   x bare node");
cases.forEach((c, i) => {
  const m = median(times[i]!);
  console.log(`${c.name.padEnd(32)}  ${m.toFixed(1).padStart(9)}  ${Math.min(...times[i]!).toFixed(1).padStart(7)}  ${(m / base).toFixed(2).padStart(11)}`);
});
const check = median(times[2]!);
summarize({ bench: "cli", figure: "flowspec check: start to exit", ours: `${check.toFixed(0)} ms`, against: `bare node ${base.toFixed(0)} ms`, ratio: check / base, goal: "≤ 2×", met: check / base <= 2 });
