import { describe, expect, test } from "vitest";
import { defaultOutPath, importSpecifier } from "../../../compiler/emit/module-path.js";

describe("importSpecifier", () => {
  test("rewrites a spec-relative module relative to the output, with an ESM extension", () => {
    expect(importSpecifier("./support/llm.ts", "specs/joke.yaml", "generated/joke.ts")).toBe("../specs/support/llm.js");
    expect(importSpecifier("./support/llm.js", "specs/a/joke.yaml", "generated/a/joke.ts")).toBe("../../specs/a/support/llm.js");
    expect(importSpecifier("../support/llm.js", "specs/a/joke.yaml", "generated/a/joke.ts")).toBe("../../specs/support/llm.js");
    expect(importSpecifier("../src/llm.mts", "specs/joke.yaml", "generated/joke.ts")).toBe("../src/llm.mjs");
    expect(importSpecifier("../src/llm.cts", "specs/joke.yaml", "out/x/joke.ts")).toBe("../../src/llm.cjs");
    expect(importSpecifier("./llm.tsx", "specs/joke.yaml", "specs/joke.ts")).toBe("./llm.js");
    expect(importSpecifier("./llm", "specs/joke.yaml", "generated/joke.ts")).toBe("../specs/llm.js");
    expect(importSpecifier("./data.json", "specs/joke.yaml", "specs/joke.ts")).toBe("./data.json");
  });

  test("works with absolute paths and Windows separators in the file paths", () => {
    expect(importSpecifier("./support/llm.ts", "/repo/specs/joke.yaml", "/repo/generated/joke.ts")).toBe("../specs/support/llm.js");
    expect(importSpecifier("./support/llm.ts", "specs\\joke.yaml", "generated\\joke.ts")).toBe("../specs/support/llm.js");
  });

  test("leaves packages, built-ins and absolute paths as written", () => {
    for (const module of ["openai", "@scope/pkg/sub.js", "node:events", "/abs/llm.js", "https://x.test/a.js"]) {
      expect(importSpecifier(module, "specs/joke.yaml", "generated/joke.ts")).toBe(module);
    }
  });

  test("without a spec path, only fixes the extension", () => {
    expect(importSpecifier("./support/llm.ts")).toBe("./support/llm.js");
  });
});

test("defaultOutPath puts the module beside the spec", () => {
  expect(defaultOutPath("specs/a/joke.yaml")).toBe("specs/a/joke.ts");
  expect(defaultOutPath("specs\\joke.YML")).toBe("specs/joke.ts");
});
