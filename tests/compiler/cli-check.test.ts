// `flowspec check`, run in-process on temp files with fake streams.

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { run, type CommandOutput } from "../support/run-command.js";

const VALID = `flowspec: 1
workflow: Tiny
steps:
  only:
    accepts: StartEvent
    emits: StopEvent
`;

/** `acepts` on line 5, column 5. */
const TYPO = VALID.replace("accepts: StartEvent", "acepts: StartEvent");

/** Valid, plus an event nothing uses: a warning only. */
const WARNS = `${VALID}events:
  Unused:
    fields:
      note: string
`;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flowspec-check-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(entries: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(entries)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

function check(args: string[], options: { tty?: boolean } = {}): Promise<CommandOutput> {
  return run(["check", ...args], dir, options);
}

describe("exit status", () => {
  test("0 for a valid spec", async () => {
    await files({ "tiny.yaml": VALID });
    const run = await check(["tiny.yaml"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("Checked 1 file: no problems.");
  });

  test("0 with warnings only", async () => {
    await files({ "warns.yaml": WARNS });
    const run = await check(["warns.yaml", "--format", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ errors: 0, warnings: 1 });
  });

  test("1 when any file has an error", async () => {
    await files({ "a.yaml": VALID, "b.yaml": TYPO });
    expect((await check(["a.yaml", "b.yaml"])).code).toBe(1);
  });

  test("1 for a YAML syntax error", async () => {
    await files({ "broken.yaml": "flowspec: 1\nsteps: [\n" });
    const run = await check(["broken.yaml", "--format=json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).files[0].diagnostics[0]).toMatchObject({ code: "yaml-syntax", severity: "error" });
  });

  test("2 for a missing path, with nothing on stdout", async () => {
    await files({ "a.yaml": VALID });
    const run = await check(["a.yaml", "nope.yaml", "--format", "json"]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain("'nope.yaml' does not exist");
  });

  test("2 for a folder without specs", async () => {
    await files({ "empty/readme.txt": "hi" });
    const run = await check(["empty"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no *.yaml or *.yml files");
  });

  test.each([[["--frmat", "json"]], [["--format", "xml"]], [["--format"]], [["--format=json=x"]]])("2 for bad usage: %j", async (args) => {
    await files({ "specs/tiny.yaml": VALID });
    const run = await check(args);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(/^flowspec check: /);
  });

  test("an unknown option gets a suggestion", async () => {
    expect((await check(["--frmat", "json"])).stderr).toContain("did you mean '--format'?");
  });
});

describe("paths", () => {
  test("default to specs/, searched recursively, sorted, skipping dot-folders", async () => {
    await files({
      "specs/b.yml": VALID,
      "specs/a/z.yaml": VALID,
      "specs/a/notes.txt": "not a spec",
      "specs/.cache/old.yaml": "junk: [",
      "specs/node_modules/dep.yaml": "junk: [",
      "other.yaml": VALID,
    });
    const run = await check(["--format", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).files.map((file: { path: string }) => file.path)).toEqual(["specs/a/z.yaml", "specs/b.yml"]);
  });

  test("a file named twice is checked once", async () => {
    await files({ "specs/tiny.yaml": VALID });
    const run = await check(["specs", "specs/tiny.yaml", "--format", "json"]);
    expect(JSON.parse(run.stdout).files).toHaveLength(1);
  });

  test("2 when there is no specs/ folder and no path", async () => {
    const run = await check([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'specs' does not exist");
  });
});

describe("json format", () => {
  test("is exactly the DESIGN.md shape, and nothing else is on stdout", async () => {
    await files({ "specs/good.yaml": VALID, "specs/typo.yaml": TYPO });
    const run = await check(["specs", "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(["files", "errors", "warnings"]);
    expect(report).toEqual({
      files: [
        { path: "specs/good.yaml", diagnostics: [] },
        {
          path: "specs/typo.yaml",
          diagnostics: [
            {
              code: "schema",
              severity: "error",
              message: expect.stringContaining("'acepts'"),
              line: 5,
              column: 5,
              endLine: 5,
              endColumn: 11,
            },
          ],
        },
      ],
      errors: 1,
      warnings: 0,
    });
  });
});

describe("text format", () => {
  test("a `path:line:column - error code: message` line, then a code frame, then a summary", async () => {
    await files({ "specs/typo.yaml": TYPO });
    const run = await check([]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^specs\/typo\.yaml:5:5 - error schema: step 'only' has unknown key 'acepts'/);
    const frame = lines.slice(1, lines.indexOf("", 2));
    expect(frame.find((line) => line.startsWith(">"))).toBe("> 5 |     acepts: StartEvent");
    expect(frame).toContain("    |     ^^^^^^");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("Checked 1 file: 1 error, 0 warnings.");
    expect(run.stdout).not.toContain("\u001b[");
  });

  test("warnings print as `warning`", async () => {
    await files({ "w.yaml": WARNS });
    const run = await check(["w.yaml"]);
    expect(run.stdout).toMatch(/^w\.yaml:\d+:\d+ - warning unused-event: /m);
  });

  describe("colors", () => {
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env["NO_COLOR"];
      delete process.env["NO_COLOR"];
    });
    afterEach(() => {
      if (saved !== undefined) process.env["NO_COLOR"] = saved;
    });

    test("only on a terminal", async () => {
      await files({ "typo.yaml": TYPO });
      expect((await check(["typo.yaml"], { tty: true })).stdout).toContain("\u001b[31merror");
      expect((await check(["typo.yaml"], { tty: false })).stdout).not.toContain("\u001b[");
    });

    test("never with NO_COLOR", async () => {
      await files({ "typo.yaml": TYPO });
      process.env["NO_COLOR"] = "1";
      expect((await check(["typo.yaml"], { tty: true })).stdout).not.toContain("\u001b[");
    });
  });
});
