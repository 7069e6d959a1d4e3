// `flowspec watch` as users run it: a child process on a temp folder, edited, broken, fixed and deleted under it.

import { existsSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sleep, startCli, type CliProcess } from "./support/cli-process.js";

const spec = (workflow: string, description: string) => `flowspec: 1
workflow: ${workflow}
description: ${description}
events:
  Asked:
    kind: start
    fields:
      question: string
  Answered:
    kind: stop
    fields:
      answer: string
steps:
  answer:
    accepts: Asked
    emits: Answered
`;

const BROKEN = `flowspec: 1
workflow: AlphaFlow
steps:
  answer:
    accepts: Asked
    emits: StopEvent
`;

let dir: string;
let cli: CliProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flowspec-watch-"));
  await mkdir(join(dir, "specs", "sub"), { recursive: true });
  await writeFile(join(dir, "specs", "alpha.yaml"), spec("AlphaFlow", "First version."));
  await writeFile(join(dir, "specs", "sub", "beta.yaml"), spec("BetaFlow", "Beta."));
});

afterEach(async () => {
  if (cli && cli.child.exitCode === null) cli.child.kill("SIGKILL");
  cli = undefined;
  await rm(dir, { recursive: true, force: true });
});

const read = (path: string) => readFile(join(dir, path), "utf8");
const mtime = async (path: string) => (await stat(join(dir, path))).mtimeMs;

describe("flowspec watch", () => {
  it("builds, rebuilds what changed, keeps the last good output, removes deleted outputs, exits 0 on SIGTERM", async () => {
    cli = startCli(["watch", "specs", "--out", "generated"], dir);
    const { waitFor, lines } = cli;

    // Initial build: both specs, then the ready line.
    await waitFor(/^✓ specs\/alpha\.yaml → generated\/alpha\.ts \(\d+ ms\)$/);
    await waitFor(/^✓ specs\/sub\/beta\.yaml → generated\/sub\/beta\.ts \(\d+ ms\)$/);
    let at = (await waitFor(/^watching 2 specs → generated/)).index;
    expect(await read("generated/alpha.ts")).toContain("First version.");
    const betaTime = await mtime("generated/sub/beta.ts");

    // An edit rebuilds that spec only.
    await writeFile(join(dir, "specs", "alpha.yaml"), spec("AlphaFlow", "Second version."));
    at = (await waitFor(/^✓ specs\/alpha\.yaml → generated\/alpha\.ts \(\d+ ms\)$/, at + 1)).index;
    expect(await read("generated/alpha.ts")).toContain("Second version.");
    expect(lines.slice(at).some((line) => line.includes("beta"))).toBe(false);
    expect(await mtime("generated/sub/beta.ts")).toBe(betaTime);

    // A change that gives the same output (a comment) rewrites nothing.
    const alphaTime = await mtime("generated/alpha.ts");
    await writeFile(join(dir, "specs", "alpha.yaml"), `# a comment\n${spec("AlphaFlow", "Second version.")}`);
    at = (await waitFor(/^✓ specs\/alpha\.yaml → generated\/alpha\.ts \(unchanged, \d+ ms\)$/, at + 1)).index;
    expect(await mtime("generated/alpha.ts")).toBe(alphaTime);

    // A broken spec reports its diagnostics and leaves the last good output in place.
    await writeFile(join(dir, "specs", "alpha.yaml"), BROKEN);
    at = (await waitFor(/^✗ specs\/alpha\.yaml: \d+ errors? \(\d+ ms\)$/, at + 1)).index;
    await waitFor(/specs\/alpha\.yaml:5:14 - error unknown-event: /, at + 1);
    expect(await read("generated/alpha.ts")).toContain("Second version.");

    // Fixed again: rebuilt.
    await writeFile(join(dir, "specs", "alpha.yaml"), spec("AlphaFlow", "Third version."));
    at = (await waitFor(/^✓ specs\/alpha\.yaml → generated\/alpha\.ts \(\d+ ms\)$/, at + 1)).index;
    expect(await read("generated/alpha.ts")).toContain("Third version.");

    // A burst of saves (within a millisecond or two) is one rebuild, of the last version.
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, "specs", "alpha.yaml"), spec("AlphaFlow", `Burst ${i}.`));
    at = (await waitFor(/^✓ specs\/alpha\.yaml → generated\/alpha\.ts/, at + 1)).index;
    await sleep(400);
    expect(lines.slice(at + 1).filter((line) => line.includes("alpha"))).toEqual([]);
    expect(await read("generated/alpha.ts")).toContain("Burst 4.");

    // A new spec is built; a deleted one loses its output.
    await writeFile(join(dir, "specs", "sub", "gamma.yaml"), spec("GammaFlow", "New."));
    at = (await waitFor(/^✓ specs\/sub\/gamma\.yaml → generated\/sub\/gamma\.ts \(\d+ ms\)$/, at + 1)).index;
    await rm(join(dir, "specs", "sub", "beta.yaml"));
    at = (await waitFor(/^- specs\/sub\/beta\.yaml removed generated\/sub\/beta\.ts$/, at + 1)).index;
    expect(existsSync(join(dir, "generated", "sub", "beta.ts"))).toBe(false);

    // Atomic writes leave no temporary files behind.
    expect((await readdir(join(dir, "generated"), { recursive: true })).sort()).toEqual(["alpha.ts", "sub", "sub/gamma.ts"]);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toBe("");
  }, 60_000);

  it("ignores its own output folder even inside a watched folder, and exits 0 on SIGINT", async () => {
    cli = startCli(["watch", ".", "--out", "specs/out"], dir);
    let at = (await cli.waitFor(/^watching 2 specs → specs\/out/)).index;
    expect(await read("specs/out/specs/alpha.ts")).toContain("First version.");

    // A spec written into the output folder is not a spec to build.
    await writeFile(join(dir, "specs", "out", "stray.yaml"), spec("StrayFlow", "Not watched."));
    await writeFile(join(dir, "specs", "alpha.yaml"), spec("AlphaFlow", "Edited."));
    at = (await cli.waitFor(/^✓ specs\/alpha\.yaml → specs\/out\/specs\/alpha\.ts/, at + 1)).index;
    await sleep(300);
    expect(cli.lines.some((line) => line.includes("stray"))).toBe(false);

    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(0);
  }, 60_000);

  it("runs as build --watch, and leaves up-to-date outputs untouched on its initial build", async () => {
    cli = startCli(["build", "--watch", "specs"], dir);
    await cli.waitFor(/^watching 2 specs → generated/);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    const before = await mtime("generated/alpha.ts");

    cli = startCli(["build", "specs", "--watch"], dir);
    await cli.waitFor(/^watching 2 specs → generated/);
    expect(cli.lines.filter((line) => line.startsWith("✓"))).toEqual([
      expect.stringMatching(/^✓ specs\/alpha\.yaml → generated\/alpha\.ts \(unchanged, \d+ ms\)$/),
      expect.stringMatching(/^✓ specs\/sub\/beta\.yaml → generated\/sub\/beta\.ts \(unchanged, \d+ ms\)$/),
    ]);
    expect(await mtime("generated/alpha.ts")).toBe(before);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  }, 60_000);

  it("exits 2 when a path does not exist", async () => {
    cli = startCli(["watch", "nope"], dir);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/path 'nope' does not exist/);
  }, 30_000);
});
