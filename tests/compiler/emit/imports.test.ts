// Generated modules import packages only through the runtime import: zod's `z` is re-exported by
// flowspec/runtime, so an app that installs flowspec alone (pnpm's strict layout) type-checks.
// tests/package/pnpm.test.ts proves it on the packed tarball.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compile } from "../../../compiler/compile.js";
import * as runtime from "../../../runtime/index.js";

const SPECS = readdirSync("specs").filter((name) => name.endsWith(".yaml")).sort();

/** The module specifiers of a module's import declarations. */
function importedModules(code: string): string[] {
  return [...code.matchAll(/^import [^;]*? from "([^"]+)";$/gms)].map((m) => m[1]!);
}

describe("generated imports", () => {
  test.each(SPECS)("%s imports no package but the runtime", (name) => {
    const path = `specs/${name}`;
    const { files } = compile(readFileSync(path, "utf8"), { path, outPath: `generated/${name.replace(/\.yaml$/, ".ts")}` });
    for (const module of importedModules(files[0]!.contents)) expect(module === "flowspec/runtime" || module.startsWith(".")).toBe(true);
  });

  test("z comes from the runtime import, whatever it is", () => {
    const path = "specs/joke.yaml";
    const { files } = compile(readFileSync(path, "utf8"), { path, outPath: "generated/joke.ts", runtimeImport: "../runtime/index.js" });
    const code = files[0]!.contents;
    expect(code).toMatch(/^import \{[^}]*\bz\b[^}]*\} from "\.\.\/runtime\/index\.js";$/m);
    expect(importedModules(code)).not.toContain("zod");
  });

  test("flowspec/runtime exports zod's z", () => {
    expect(typeof runtime.z.object).toBe("function");
  });
});
