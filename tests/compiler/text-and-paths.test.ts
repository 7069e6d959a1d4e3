// compiler/text.ts and compiler/paths.ts: one `printable` for messages and code frames (bidi overrides
// escaped too), one `quote`, and one path display that reads a folder named `..foo` as inside.

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { formatCodeFrame } from "../../compiler/code-frame.js";
import { displayPath, isInside } from "../../compiler/paths.js";
import { printable, quote } from "../../compiler/text.js";
import { run } from "../support/run-command.js";

const RLO = "\u202e";

describe("printable and quote", () => {
  test("escape C0/C1 controls, line separators and bidi controls, and keep tabs", () => {
    expect(printable(`a${RLO}b\u001b[2J\u0085\u2028\u2066\tc`)).toBe("a\\u202eb\\u001b[2J\\u0085\\u2028\\u2066\tc");
    expect(quote(`evil${RLO}name`)).toBe('"evil\\u202ename"');
  });

  test("the code frame escapes a bidi override and keeps the carets under the span", () => {
    const source = `flowspec: 1\nworkflow: X\nsteps:\n  "a${RLO}b": { accepts: Nope }\n`;
    const frame = formatCodeFrame(source, { line: 4, column: 21, endLine: 4, endColumn: 25 }, { contextLines: 0 });
    expect(frame).not.toContain(RLO);
    const [line, carets] = frame.split("\n");
    expect(line).toContain('"a\\u202eb"');
    expect(line!.slice(carets!.indexOf("^"), carets!.lastIndexOf("^") + 1)).toBe("Nope");
  });
});

describe("paths", () => {
  test("a folder named ..foo is inside; .. is not", () => {
    expect(isInside("/repo/..foo/a.yaml", "/repo")).toBe(true);
    expect(isInside("/repo/../a.yaml", "/repo")).toBe(false);
    expect(isInside("/repo", "/repo")).toBe(false);
    expect(displayPath("/repo/..foo/a.yaml", "/repo")).toBe("..foo/a.yaml");
    expect(displayPath("/elsewhere/a.yaml", "/repo")).toBe("/elsewhere/a.yaml");
  });

  test("check and graph show a spec under ..foo by its relative path, as build does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flowspec-paths-"));
    try {
      await mkdir(join(dir, "..odd"));
      await writeFile(join(dir, "..odd/flow.yaml"), "flowspec: 1\nworkflow: X\nsteps:\n  a: { accepts: Nope, emits: StopEvent }\n");
      const checked = await run(["check", "..odd/flow.yaml"], dir);
      const graphed = await run(["graph", "..odd/flow.yaml"], dir);
      expect(checked.stdout).toMatch(/^\.\.odd\/flow\.yaml:4:17 /m);
      expect(graphed.stderr).toMatch(/^\.\.odd\/flow\.yaml:4:17 /m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
