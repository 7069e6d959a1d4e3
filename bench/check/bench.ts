// Front-end benchmark: in-process `analyze()` (load → schema → model → checks) of synthetic specs,
// with the time split by stage so it is clear where it goes.
// Run: npm run build && node dist/bench/check/bench.js
// Goal (issue 3): 4,000 steps under 300 ms, near-linear growth against 250 steps.

import { analyze } from "../../compiler/analyze.js";
import { buildModel } from "../../compiler/build-model.js";
import { checkModel } from "../../compiler/checks/index.js";
import { loadYaml } from "../../compiler/load.js";
import { checkSchema } from "../../compiler/schema-check.js";
import { growthExponent, medianMs, syntheticSpec } from "../synthetic-spec.js";
import { summarize } from "../report.js";

interface Point {
  size: number;
  bytes: number;
  total: number;
  yaml: number;
  rest: number;
}

function measure(size: number): Point {
  const source = syntheticSpec(size);
  const errors = analyze(source).diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`synthetic spec of ${size} steps has errors: ${errors[0]!.message}`);
  const loaded = loadYaml(source);
  const total = medianMs(() => analyze(source));
  const yaml = medianMs(() => loadYaml(source));
  const rest = medianMs(() => {
    checkSchema(loaded.data, loaded.locator);
    checkModel(buildModel(loaded.data, loaded.locator).model);
  });
  return { size, bytes: source.length, total, yaml, rest };
}

const points = [250, 500, 1000, 2000, 4000].map(measure);
const base = points[0]!;
console.log("steps   spec KB   total ms   yaml parse ms   schema+model+checks ms   x vs 250");
for (const p of points) {
  console.log(
    [
      String(p.size).padStart(5),
      (p.bytes / 1024).toFixed(0).padStart(7),
      p.total.toFixed(1).padStart(8),
      p.yaml.toFixed(1).padStart(13),
      p.rest.toFixed(1).padStart(22),
      (p.total / base.total).toFixed(1).padStart(8),
    ].join("   "),
  );
}
const exponent = (pick: (p: Point) => number) => growthExponent(points.map((p) => ({ size: p.size, ms: pick(p) }))).toFixed(2);
console.log(`growth exponent (log-log slope, 1.00 = linear): total ${exponent((p) => p.total)}, yaml ${exponent((p) => p.yaml)}, rest ${exponent((p) => p.rest)}`);
console.log(`4,000 steps: ${points.at(-1)!.total.toFixed(0)} ms in all (goal < 300 ms), ${points.at(-1)!.rest.toFixed(0)} ms after parsing`);
const largest = points.at(-1)!;
const linear = base.total * (largest.size / base.size);
summarize({ bench: "check", figure: `analyze, ${largest.size.toLocaleString("en-US")} steps`, ours: `${largest.total.toFixed(0)} ms`, against: `linear from ${base.size} steps ${linear.toFixed(0)} ms`, ratio: largest.total / linear, goal: "≤ 1.25× (and < 300 ms)", met: largest.total / linear <= 1.25 && largest.total < 300 });
