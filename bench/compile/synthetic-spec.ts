// The benchmark's input: a valid spec of any size, shaped like a real one.

/** A valid spec with `steps` steps. */
export function syntheticSpec(steps: number): string {
  const lines = ["flowspec: 1", `workflow: Bench${steps}`, "description: A generated chain of steps for the compile benchmark.", "timeout: 600", ""];
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
