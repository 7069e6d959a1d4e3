// The Project that build and watch share: one spec → output map, one collision rule, one rule for
// which folders hold specs (no symlinked folders; the output folder may be `.` or the specs folder),
// and no write or delete through a symbolic link that leaves the output folder. Each rule is checked
// through build (the CLI), through watch (the library), or both.

import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { build } from "../../compiler/build.js";
import { Project } from "../../compiler/project.js";
import { watch, type RebuildEvent, type Watcher } from "../../compiler/watch.js";
import { run } from "../support/run-command.js";

const spec = (workflow: string) => `flowspec: 1\nworkflow: ${workflow}\nsteps:\n  only: { accepts: StartEvent, emits: StopEvent }\n`;

let dir: string;
let watcher: Watcher | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flowspec-project-"));
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), text);
}

const read = (path: string) => readFile(join(dir, path), "utf8");

/** Starts watch mode and resolves once its initial build is done, with every event it reports. */
async function startWatch(paths: string[], out: string) {
  const rebuilds: RebuildEvent[] = [];
  const errors: string[] = [];
  watcher = watch(paths, { cwd: dir, out, debounceMs: 20 });
  watcher.on("rebuild", (event) => rebuilds.push(event));
  watcher.on("error", (error) => errors.push(error.message));
  const ready = await new Promise<{ specs: number }>((resolve) => watcher!.on("ready", resolve));
  return { rebuilds, errors, ready };
}

/** Every file under `folder`, relative, sorted. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(join(dir, folder), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(join(dir, folder).length + 1)).sort();
}

describe("a.yaml beside a.yml", () => {
  test("build and the watch command both refuse it (exit 2), naming both specs", async () => {
    await put("specs/a.yaml", spec("Yaml"));
    await put("specs/a.yml", spec("Yml"));
    await expect(Project.open(["specs"], { cwd: dir })).rejects.toThrow("specs/a.yaml and specs/a.yml would both write generated/a.ts");
    const built = await run(["build", "specs"], dir);
    expect(built.code).toBe(2);
    const watched = await run(["watch", "specs"], dir);
    expect(watched).toMatchObject({ code: 2, stderr: expect.stringContaining("specs/a.yaml and specs/a.yml would both write generated/a.ts") });
    expect(existsSync(join(dir, "generated"))).toBe(false);
  });

  test("watch: a second spec for one output is refused; deleting it leaves the first one's output", async () => {
    await put("specs/a.yaml", spec("Yaml"));
    const { rebuilds, errors } = await startWatch(["specs"], "generated");
    expect(await read("generated/a.ts")).toContain("class YamlBase");

    await put("specs/a.yml", spec("Yml"));
    await vi.waitFor(() => expect(errors).toEqual(["specs/a.yaml and specs/a.yml would both write generated/a.ts"]), { timeout: 10_000 });
    expect(await read("generated/a.ts")).toContain("class YamlBase");

    await rm(join(dir, "specs/a.yml"));
    await vi.waitFor(() => expect(rebuilds.at(-1)).toMatchObject({ spec: "specs/a.yml", status: "removed", existed: false }), { timeout: 10_000 });
    expect(await read("generated/a.ts")).toContain("class YamlBase");
  });

  test("watch: when the owner is deleted, the refused spec takes the output over", async () => {
    await put("specs/a.yaml", spec("Yaml"));
    await put("specs/a.yml", spec("Yml"));
    const { rebuilds, errors } = await startWatch(["specs"], "generated");
    expect(errors).toEqual(["specs/a.yaml and specs/a.yml would both write generated/a.ts"]);
    expect(await read("generated/a.ts")).toContain("class YamlBase");

    await rm(join(dir, "specs/a.yaml"));
    await vi.waitFor(() => expect(rebuilds.at(-1)).toMatchObject({ spec: "specs/a.yml", status: "written" }), { timeout: 10_000 });
    expect(await read("generated/a.ts")).toContain("class YmlBase");
  });
});

describe("the output folder inside or equal to the specs folder", () => {
  for (const out of [".", "specs"]) {
    test(`--out ${out}: build and watch both build the spec, and neither takes its outputs for specs`, async () => {
      await put("specs/flow.yaml", spec("Flow"));
      const outFile = out === "." ? "specs/flow.ts" : "specs/flow.ts";
      const built = await build(["specs"], { cwd: dir, out });
      expect(built.files.map((f) => [f.spec, f.output, f.status])).toEqual([["specs/flow.yaml", out === "." ? "flow.ts" : "specs/flow.ts", "written"]]);
      await rm(join(dir, out === "." ? "flow.ts" : outFile));

      const { ready, rebuilds } = await startWatch(["specs"], out);
      expect(ready.specs).toBe(1);
      expect(rebuilds.map((e) => [e.spec, e.status])).toEqual([["specs/flow.yaml", "written"]]);
    });
  }

  test("an output folder inside the specs folder is skipped, by build and by watch", async () => {
    await put("specs/flow.yaml", spec("Flow"));
    await put("specs/gen/stray.yaml", spec("Stray"));
    const built = await build(["specs"], { cwd: dir, out: "specs/gen" });
    expect(built.files.map((f) => f.spec)).toEqual(["specs/flow.yaml"]);
    const { ready } = await startWatch(["specs"], "specs/gen");
    expect(ready.specs).toBe(1);
  });
});

describe("symlinked folders", () => {
  test("neither build nor watch follows them (a link to a parent folder would nest outputs until ELOOP)", async () => {
    await put("specs/flow.yaml", spec("Flow"));
    await symlink("..", join(dir, "specs/loop"), "dir");
    const built = await build(["specs"], { cwd: dir });
    expect(built.files.map((f) => f.spec)).toEqual(["specs/flow.yaml"]);
    await rm(join(dir, "generated"), { recursive: true });

    const { ready } = await startWatch(["specs"], "generated");
    expect(ready.specs).toBe(1);
    expect(await filesUnder("generated")).toEqual(["flow.ts"]);
  });
});

describe("symlinked spec files", () => {
  test("are followed by build and by watch, which rebuilds when the file they point to changes", async () => {
    await put("elsewhere/real.yaml", spec("Real"));
    await mkdir(join(dir, "specs"));
    await symlink(join(dir, "elsewhere/real.yaml"), join(dir, "specs/link.yaml"));
    const built = await build(["specs"], { cwd: dir });
    expect(built.files.map((f) => [f.spec, f.status])).toEqual([["specs/link.yaml", "written"]]);

    const { rebuilds } = await startWatch(["specs"], "generated");
    expect(rebuilds.map((e) => e.status)).toEqual(["unchanged"]);
    await writeFile(join(dir, "elsewhere/real.yaml"), spec("Changed"));
    await vi.waitFor(() => expect(rebuilds.at(-1)).toMatchObject({ spec: "specs/link.yaml", status: "written" }), { timeout: 10_000 });
    expect(await read("generated/link.ts")).toContain("class ChangedBase");
  });
});

describe("no writes outside the output folder", () => {
  test("build refuses to write through a symlinked folder in the output folder, and leaves its target alone", async () => {
    await put("specs/a/flow.yaml", spec("Flow"));
    await put("outside/flow.ts", "precious");
    await mkdir(join(dir, "generated"));
    await symlink(join(dir, "outside"), join(dir, "generated/a"), "dir");

    const result = await run(["build", "specs"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to write or delete generated\/a\/flow\.ts: .*symbolic link.*outside the output folder generated/);
    expect(await read("outside/flow.ts")).toBe("precious");
  });

  test("build refuses to replace an output that is a link to a file outside", async () => {
    await put("specs/flow.yaml", spec("Flow"));
    await put("outside.ts", "precious");
    await mkdir(join(dir, "generated"));
    await symlink(join(dir, "outside.ts"), join(dir, "generated/flow.ts"));
    await expect(build(["specs"], { cwd: dir })).rejects.toThrow(/refusing to write or delete generated\/flow\.ts/);
    expect(await read("outside.ts")).toBe("precious");
  });

  test("watch refuses to delete through a symlinked folder when a spec is deleted", async () => {
    await put("specs/a/flow.yaml", spec("Flow"));
    const { rebuilds, errors } = await startWatch(["specs"], "generated");
    expect(rebuilds.map((e) => e.status)).toEqual(["written"]);
    // Swap the output's folder for a link to a folder outside that holds a file of the same name.
    await put("outside/flow.ts", "precious");
    await rm(join(dir, "generated/a"), { recursive: true });
    await symlink(join(dir, "outside"), join(dir, "generated/a"), "dir");

    await rm(join(dir, "specs/a/flow.yaml"));
    await vi.waitFor(() => expect(errors.join("\n")).toMatch(/refusing to write or delete generated\/a\/flow\.ts/), { timeout: 10_000 });
    expect(await read("outside/flow.ts")).toBe("precious");
  });
});
