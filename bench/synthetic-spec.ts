// The benchmarks' input, a valid spec of any size shaped like a real one (a chain of steps, one event
// per step with three fields, a named type every tenth step, a resource every fifth, retries every
// seventh, state; the 4,000-step spec is just under the 1 MB limit), and the timing helpers they share.

/** A valid spec with `steps` steps. */
export function syntheticSpec(steps: number): string {
  const lines = ["flowspec: 1", `workflow: Bench${steps}`, "description: A generated chain of steps for the benchmarks.", "timeout: 600", ""];
  lines.push("types:");
  for (let i = 0; i < steps; i += 10) {
    lines.push(`  Item${i}:`, "    description: A named type.", "    fields:", "      label: { type: string, minLength: 1 }", "      count: { type: integer, minimum: 0, default: 0 }");
  }
  lines.push("", "state:", "  visited: { type: integer, default: 0 }", "  last: string?", "", "events:");
  for (let i = 0; i < steps; i++) {
    lines.push(
      `  Event${i}:`,
      ...(i === 0 ? ["    kind: start"] : []),
      ...(i % 10 === 0 ? [`    description: The event step ${i} accepts.`] : []),
      "    fields:",
      "      id: string",
      `      item: Item${i - (i % 10)}`,
      ...(i % 3 === 0 ? ["      size: { type: string, enum: [small, large], default: small }"] : ["      note: string?"]),
    );
  }
  lines.push("  Finished:", "    kind: stop", "    fields:", "      total: integer", "", "resources:");
  for (let i = 0; i < steps; i += 5) lines.push(`  res${i}:`, "    type: Llm", "    module: ../support/llm.js", "    factory: createLlm");
  lines.push("", "steps:");
  for (let i = 0; i < steps; i++) {
    lines.push(
      `  step_${i}:`,
      `    accepts: Event${i}`,
      `    emits: ${i + 1 < steps ? `Event${i + 1}` : "Finished"}`,
      ...(i % 5 === 0 ? [`    resources: [res${i}]`] : []),
      ...(i % 7 === 0 ? ["    retry: { attempts: 3, delay: 0.5 }"] : []),
      ...(i % 10 === 0 ? [`    description: Step ${i} of the chain.`] : []),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Timing helper: the median of `runs` runs of `fn`, in milliseconds, after one warm-up. */
export function medianMs(fn: () => void, runs = 5): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Slope of log(time) against log(size): 1 is linear growth. */
export function growthExponent(points: readonly { size: number; ms: number }[]): number {
  const xs = points.map((p) => Math.log(p.size));
  const ys = points.map((p) => Math.log(p.ms));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}
