// The tree's layering, checked on the import statements of every source file: each package reaches
// another only through its documented entry points (docs/backends.md), never its internals.
//
//   runtime core    → runtime/durable/index.ts only (the journaled runner)
//   runtime/durable → runtime/backend.ts only
//   sqlite, dbos, server, compiler → runtime/index.ts, runtime/backend.ts, runtime/durable/index.ts,
//                                    runtime/shape.ts

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The documented entry points of the runtime, relative to the repository. runtime/shape.ts (what a
 * version of a workflow is) is one too: it is pure, so the compiler can use it without loading the
 * runtime (CLI start-up).
 */
const RUNTIME_ENTRIES = ["runtime/index.ts", "runtime/backend.ts", "runtime/durable/index.ts", "runtime/shape.ts"];

interface Rule {
  /** Which files the rule covers. */
  readonly files: (path: string) => boolean;
  /** Whether a file may import `target` (both relative to the repository, `.ts`). */
  readonly allows: (target: string, from: string) => boolean;
  readonly says: string;
}

const inRuntimeCore = (p: string) => p.startsWith("runtime/") && !p.startsWith("runtime/durable/");
const inDurable = (p: string) => p.startsWith("runtime/durable/");
const inPackage = (p: string) => /^(sqlite|dbos|server|otel|compiler)\//.test(p);

const RULES: Rule[] = [
  {
    files: inRuntimeCore,
    allows: (target) => !inDurable(target) || target === "runtime/durable/index.ts",
    says: "the runtime's core reaches runtime/durable/ only through runtime/durable/index.ts",
  },
  {
    files: inDurable,
    allows: (target) => inDurable(target) || target === "runtime/backend.ts",
    says: "runtime/durable/ reaches the runtime only through runtime/backend.ts (flowspec/runtime/backend)",
  },
  {
    files: inPackage,
    allows: (target) => !target.startsWith("runtime/") || RUNTIME_ENTRIES.includes(target),
    says: `sqlite/, dbos/, server/ and compiler/ reach the runtime only through its entry points (${RUNTIME_ENTRIES.join(", ")})`,
  },
  {
    files: (p) => inPackage(p) && !p.startsWith("compiler/"),
    allows: (target, from) => target.split("/")[0] === from.split("/")[0] || target.startsWith("runtime/"),
    says: "sqlite/, dbos/ and server/ do not import each other's or the compiler's modules",
  },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Relative module specifiers of a file's static imports and re-exports (type-only ones too: they couple the APIs just the same). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"/gms)) found.push(m[1]!);
  for (const m of source.matchAll(/import\(\s*"(\.[^"]+)"\s*\)/g)) found.push(m[1]!);
  return found;
}

function violations(): string[] {
  const files = ["runtime", "sqlite", "dbos", "server", "otel", "compiler"].flatMap((d) => {
    try {
      return sourceFiles(d);
    } catch {
      return [];
    }
  });
  const out: string[] = [];
  for (const file of files) {
    const rules = RULES.filter((r) => r.files(file));
    for (const spec of importsOf(readFileSync(join(root, file), "utf8"))) {
      const target = relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, ".ts");
      for (const rule of rules) if (!rule.allows(target, file)) out.push(`${file} imports ${spec}: ${rule.says}`);
    }
  }
  return out;
}

describe("architecture", () => {
  it("every package imports another only through its documented entry points", () => {
    expect(violations()).toEqual([]);
  });

  it("the check sees imports (it finds a planted violation)", () => {
    const planted = importsOf('import { CONTEXT } from "../runtime/internals.js";\nexport type { X } from "./y.js";');
    expect(planted).toEqual(["../runtime/internals.js", "./y.js"]);
    const rule = RULES[2]!;
    expect(rule.allows("runtime/internals.ts", "dbos/recorder.ts")).toBe(false);
    expect(rule.allows("runtime/backend.ts", "dbos/recorder.ts")).toBe(true);
  });
});
