// `flowspec build`, run in-process on temp folders with fake streams.

import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
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
const BROKEN = VALID.replace("accepts: StartEvent", "accepts: Nowhere");

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flowspec-build-cli-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), text);
}

function flowspec(...args: string[]): Promise<CommandOutput> {
  return run(["build", ...args], dir);
}

const exists = (path: string) => stat(join(dir, path)).then(() => true, () => false);

describe("flowspec build", () => {
  test("builds specs into generated/, then reports them unchanged (exit 0)", async () => {
    await put("specs/a/tiny.yaml", VALID);
    const first = await flowspec();
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toBe("wrote generated/a/tiny.ts\nBuilt 1 spec into generated: 1 written, 0 unchanged, 0 with errors; 0 errors, 0 warnings.\n");
    expect(await readFile(join(dir, "generated/a/tiny.ts"), "utf8")).toContain("export abstract class TinyBase");
    const second = await flowspec("specs");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("0 written, 1 unchanged");
  });

  test("--out and --runtime-import", async () => {
    await put("specs/tiny.yaml", VALID);
    expect((await flowspec("--out", "src/flows", "--runtime-import=@acme/runtime")).code).toBe(0);
    expect(await readFile(join(dir, "src/flows/tiny.ts"), "utf8")).toContain('from "@acme/runtime";');
  });

  test("a spec with errors: its diagnostics with a code frame, nothing written, exit 1", async () => {
    await put("specs/tiny.yaml", BROKEN);
    const result = await flowspec();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^specs\/tiny\.yaml:5:14 - error unknown-event: /m);
    expect(result.stdout).toContain("accepts: Nowhere");
    expect(await exists("generated/tiny.ts")).toBe(false);
  });

  test("--check: exit 1 and write nothing when an output is missing or stale; exit 0 when up to date", async () => {
    await put("specs/tiny.yaml", VALID);
    const missing = await flowspec("--check");
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("generated/tiny.ts is missing (from specs/tiny.yaml)");
    expect(await exists("generated/tiny.ts")).toBe(false);

    await flowspec();
    expect((await flowspec("--check")).code).toBe(0);
    await writeFile(join(dir, "generated/tiny.ts"), "// stale\n");
    const stale = await flowspec("--check");
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain("generated/tiny.ts is out of date (from specs/tiny.yaml)");
    expect(await readFile(join(dir, "generated/tiny.ts"), "utf8")).toBe("// stale\n");
  });

  test("bad usage and missing paths exit 2", async () => {
    expect((await flowspec("--watch", "--check")).code).toBe(2);
    expect((await flowspec("--nope")).code).toBe(2);
    const missing = await flowspec("nowhere");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("'nowhere' does not exist");
    await mkdir(join(dir, "empty"));
    expect((await flowspec("empty")).code).toBe(2);
  });

  test("--help", async () => {
    const result = await flowspec("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: flowspec build/);
  });
});
