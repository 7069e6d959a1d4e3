// The embeddable `watch(paths, options)`: its events, and silence on the console.

import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { watch, type RebuildEvent, type Watcher } from "../../compiler/watch.js";

const SPEC = `flowspec: 1
workflow: ApiFlow
steps:
  only:
    accepts: StartEvent
    emits: StopEvent
`;

let dir: string | undefined;
let watcher: Watcher | undefined;
afterEach(async () => {
  await watcher?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

it("reports rebuilds, diagnostics and readiness as events, and prints nothing", async () => {
  const log = vi.spyOn(console, "log");
  const error = vi.spyOn(console, "error");
  dir = await mkdtemp(join(tmpdir(), "flowspec-watch-api-"));
  await mkdir(join(dir, "specs"));
  await writeFile(join(dir, "specs", "api.yaml"), SPEC);

  watcher = watch(["specs"], { cwd: dir, out: "out" });
  const rebuilds: RebuildEvent[] = [];
  const diagnostics: [string, string[]][] = [];
  watcher.on("rebuild", (event) => rebuilds.push(event));
  watcher.on("diagnostics", (spec, list) => diagnostics.push([spec, list.map((d) => d.code)]));
  const ready = await new Promise((resolve) => watcher!.on("ready", resolve));

  expect(ready).toEqual({ specs: 1, errors: 0, ms: expect.any(Number) });
  expect(rebuilds).toEqual([
    { spec: "specs/api.yaml", output: "out/api.ts", status: "written", diagnostics: [], initial: true, ms: expect.any(Number), source: SPEC },
  ]);
  expect(existsSync(join(dir, "out", "api.ts"))).toBe(true);

  await writeFile(join(dir, "specs", "api.yaml"), SPEC.replace("accepts: StartEvent", "accepts: Nowhere"));
  await vi.waitFor(() => expect(rebuilds).toHaveLength(2), { timeout: 10_000 });
  expect(rebuilds[1]).toMatchObject({ spec: "specs/api.yaml", status: "error", initial: false });
  expect(rebuilds[1]!.diagnostics).toContainEqual(expect.objectContaining({ code: "unknown-event", line: 5, column: 14, file: "specs/api.yaml" }));
  expect(diagnostics).toEqual([["specs/api.yaml", rebuilds[1]!.diagnostics.map((d) => d.code)]]);
  expect(existsSync(join(dir, "out", "api.ts"))).toBe(true);

  await rm(join(dir, "specs", "api.yaml"));
  await vi.waitFor(() => expect(rebuilds).toHaveLength(3), { timeout: 10_000 });
  expect(rebuilds[2]).toMatchObject({ spec: "specs/api.yaml", output: "out/api.ts", status: "removed", existed: true, diagnostics: [] });
  expect(existsSync(join(dir, "out", "api.ts"))).toBe(false);

  await watcher.close();
  await writeFile(join(dir, "specs", "late.yaml"), SPEC);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(rebuilds).toHaveLength(3);
  expect(log).not.toHaveBeenCalled();
  expect(error).not.toHaveBeenCalled();
});

it("counts specs with errors in the ready event", async () => {
  dir = await mkdtemp(join(tmpdir(), "flowspec-watch-api-"));
  await mkdir(join(dir, "specs"));
  await writeFile(join(dir, "specs", "good.yaml"), SPEC);
  await writeFile(join(dir, "specs", "bad.yaml"), "flowspec: 1\nworkflow: 42\n");
  watcher = watch([], { cwd: dir });
  const ready = await new Promise((resolve) => watcher!.on("ready", resolve));
  expect(ready).toMatchObject({ specs: 2, errors: 1 });
  expect(existsSync(join(dir, "generated", "good.ts"))).toBe(true);
  expect(existsSync(join(dir, "generated", "bad.ts"))).toBe(false);
});

it("rebuilds a spec when a module its imported types name appears, changes or goes away", async () => {
  dir = await mkdtemp(join(tmpdir(), "flowspec-watch-api-"));
  await mkdir(join(dir, "specs", "support"), { recursive: true });
  const spec = `flowspec: 1
workflow: ToolFlow
types:
  ToolCall: { import: ./support/schemas.js }
events:
  Called: { kind: stop, fields: { call: ToolCall } }
steps:
  call: { accepts: StartEvent, emits: Called }
`;
  await writeFile(join(dir, "specs", "tools.yaml"), spec);
  watcher = watch(["specs"], { cwd: dir, out: "out" });
  const rebuilds: RebuildEvent[] = [];
  watcher.on("rebuild", (event) => rebuilds.push(event));
  await new Promise((resolve) => watcher!.on("ready", resolve));
  expect(rebuilds.map((e) => [e.status, e.diagnostics.map((d) => d.code)])).toEqual([["error", ["missing-module"]]]);

  // The module appears: the spec builds.
  const schemas = 'import { z } from "zod";\nexport const ToolCallSchema = z.object({ tool: z.string() });\nexport type ToolCall = z.infer<typeof ToolCallSchema>;\n';
  await writeFile(join(dir, "specs", "support", "schemas.ts"), schemas);
  await vi.waitFor(() => expect(rebuilds).toHaveLength(2), { timeout: 10_000 });
  expect(rebuilds[1]).toMatchObject({ spec: "specs/tools.yaml", status: "written", diagnostics: [], initial: false });
  expect(existsSync(join(dir, "out", "tools.ts"))).toBe(true);

  // It stops exporting the schema: the spec is broken again, its last good output kept.
  await writeFile(join(dir, "specs", "support", "schemas.ts"), schemas.replaceAll("ToolCallSchema", "CallSchema"));
  await vi.waitFor(() => expect(rebuilds).toHaveLength(3), { timeout: 10_000 });
  expect(rebuilds[2]).toMatchObject({ status: "error" });
  expect(rebuilds[2]!.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(["4:3 missing-export"]);

  // It goes away.
  await rm(join(dir, "specs", "support", "schemas.ts"));
  await vi.waitFor(() => expect(rebuilds).toHaveLength(4), { timeout: 10_000 });
  expect(rebuilds[3]!.diagnostics.map((d) => d.code)).toEqual(["missing-module"]);
  expect(existsSync(join(dir, "out", "tools.ts"))).toBe(true);
});

it("watches a module that exists from the start without rebuilding for it until it changes", async () => {
  dir = await mkdtemp(join(tmpdir(), "flowspec-watch-api-"));
  await mkdir(join(dir, "specs"), { recursive: true });
  await mkdir(join(dir, "schemas"), { recursive: true });
  const schemas = 'import { z } from "zod";\nexport const ToolCallSchema = z.object({ tool: z.string() });\nexport type ToolCall = z.infer<typeof ToolCallSchema>;\n';
  // Outside the watched folder: watched all the same.
  await writeFile(join(dir, "schemas", "tools.ts"), schemas);
  await writeFile(join(dir, "specs", "tools.yaml"), "flowspec: 1\nworkflow: ToolFlow\ntypes:\n  ToolCall: { import: ../schemas/tools.js }\nevents:\n  Called: { kind: stop, fields: { call: ToolCall } }\nsteps:\n  call: { accepts: StartEvent, emits: Called }\n");
  watcher = watch(["specs"], { cwd: dir, out: "out" });
  const rebuilds: RebuildEvent[] = [];
  watcher.on("rebuild", (event) => rebuilds.push(event));
  await new Promise((resolve) => watcher!.on("ready", resolve));
  expect(rebuilds.map((e) => e.status)).toEqual(["written"]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(rebuilds).toHaveLength(1);

  await writeFile(join(dir, "schemas", "tools.ts"), schemas.replace("export type ToolCall", "export type Call"));
  await vi.waitFor(() => expect(rebuilds).toHaveLength(2), { timeout: 10_000 });
  expect(rebuilds[1]!.diagnostics.map((d) => d.code)).toEqual(["missing-export"]);
});
