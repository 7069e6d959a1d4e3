// Golden tests: each tests/fixtures/emit/<name>.yaml compiles to exactly the <name>.ts beside it.
// The .ts files are committed (and type-checked by typecheck.test.ts). To regenerate them after an
// intended change to the emitter, run:
//
//   UPDATE_GOLDEN=1 npx vitest run tests/compiler/emit/golden.test.ts
//
// then review the diff: it is the change users will see.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compile } from "../../../compiler/compile.js";

const FIXTURES = "tests/fixtures/emit";
const update = process.env["UPDATE_GOLDEN"] === "1";
const specs = readdirSync(FIXTURES).filter((name) => name.endsWith(".yaml")).sort();

describe("emitted modules match their golden files", () => {
  test("there are fixtures", () => {
    expect(specs.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of specs) {
    test(name, () => {
      const path = `${FIXTURES}/${name}`;
      const result = compile(readFileSync(path, "utf8"), { path });
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(result.files.map((file) => file.path)).toEqual([path.replace(/\.yaml$/, ".ts")]);
      const [output] = result.files;
      if (update) writeFileSync(output!.path, output!.contents);
      expect(output!.contents).toBe(readFileSync(output!.path, "utf8"));
    });
  }

  test("output is deterministic", () => {
    for (const name of specs) {
      const path = `${FIXTURES}/${name}`;
      const source = readFileSync(path, "utf8");
      expect(compile(source, { path }).files).toEqual(compile(source, { path }).files);
    }
  });
});
