// Synthetic specs for the compiler benchmarks: a valid chain of N steps with typed events,
// branches back to earlier steps (loops) and a stop event at the end.

/** A valid spec with `steps` steps; each step accepts one event and emits the next (or loops back). */
export function syntheticSpec(steps: number): string {
  const lines = ["flowspec: 1", `workflow: Synthetic${steps}`, "description: Generated for benchmarks.", "types:"];
  lines.push("  Payload:", "    fields:", "      id: { type: integer, minimum: 0 }", "      tags: string[]", "      meta: map<string>?");
  lines.push("state:", "  count: { type: integer, default: 0 }", "events:");
  lines.push("  Begin:", "    kind: start", "    fields:", "      seed: { type: string, minLength: 1 }");
  for (let i = 1; i < steps; i++) {
    lines.push(`  Event${i}:`, `    description: Hand-off number ${i}.`, "    fields:", "      payload: Payload", "      note: string?");
  }
  lines.push("  Done:", "    kind: stop", "    fields:", "      total: integer");
  lines.push("steps:");
  for (let i = 0; i < steps; i++) {
    const accepts = i === 0 ? "Begin" : `Event${i}`;
    const next = i === steps - 1 ? "Done" : `Event${i + 1}`;
    // Every tenth step may loop back to the previous hand-off, so the graph has cycles.
    const emits = i > 1 && i % 10 === 0 && i < steps - 1 ? `[${next}, Event${i - 1}]` : next;
    lines.push(`  step_${i}:`, `    accepts: ${accepts}`, `    emits: ${emits}`, "    workers: 2");
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
