// The Vite plugin through Vite's programmatic API: the example app in the dev server and in a production
// build, a broken spec failing the build at its file:line:column, and edits picked up by the dev server.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, createServer, type InlineConfig, type ViteDevServer } from "vite";
import { afterEach, describe, expect, it } from "vitest";
import flowspec from "../../compiler/vite.js";
import { REPO, sleep } from "./support/cli-process.js";

const APP = join(REPO, "examples", "vite-app");
const CONFIG = join(APP, "vite.config.ts");
const RUNTIME = join(REPO, "runtime", "index.ts");

const quiet = { logLevel: "silent" } as const;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A scratch app inside the repository (so `zod` resolves from its node_modules); git-ignored by name. */
async function scratchApp(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(REPO, "tests", "dx", ".flowspec-tmp-vite-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

function inlineConfig(root: string, extra: InlineConfig = {}): InlineConfig {
  return { ...quiet, configFile: false, root, plugins: [flowspec()], resolve: { alias: { "flowspec/runtime": RUNTIME } }, ...extra };
}

const COUNTER = (timeout: number) => `flowspec: 1
workflow: CounterFlow
timeout: ${timeout}
steps:
  count:
    accepts: StartEvent
    emits: StopEvent
`;

describe("flowspec/vite", () => {
  it("runs the example app in the dev server (ssrLoadModule)", async () => {
    const server = await createServer({ ...quiet, configFile: CONFIG, server: { middlewareMode: true, hmr: false, watch: null }, appType: "custom" });
    cleanups.push(() => server.close());
    const app = await server.ssrLoadModule("/index.ts");
    expect(await app.tellJoke("pirates")).toEqual({ joke: "Why did the pirates cross the road? To get to the other side.", score: 2 });
  });

  it("builds the example app for production, and the bundle runs", async () => {
    const outDir = join(APP, "dist", "test-build");
    cleanups.push(() => rm(outDir, { recursive: true, force: true }));
    await build({ ...quiet, configFile: CONFIG, build: { outDir, emptyOutDir: true } });
    const bundle = await readFile(join(outDir, "index.js"), "utf8");
    expect(bundle).toContain("class JokeFlowBase");
    expect(bundle).not.toContain("flowspec: 1");
    const app = await import(`${pathToFileURL(join(outDir, "index.js")).href}?t=${Date.now()}`);
    expect(await app.tellJoke("cats")).toEqual({ joke: "Why did the cats cross the road? To get to the other side.", score: expect.any(Number) });
  });

  it("fails the build at the broken spec's file, line and column", async () => {
    const root = await scratchApp({
      "main.ts": `import { BrokenFlowBase } from "./broken.flow.yaml";\nexport { BrokenFlowBase };\n`,
      "broken.flow.yaml": "flowspec: 1\nworkflow: BrokenFlow\nsteps:\n  only:\n    accepts: StartEvent\n    emits: [StopEvent, Nowhere]\n",
    });
    const failure = await build(inlineConfig(root, { build: { ssr: "main.ts", write: false } })).then(
      () => undefined,
      (error: unknown) => error as { message: string; loc?: { file?: string; line: number; column: number }; id?: string },
    );
    expect(failure).toBeDefined();
    expect(failure!.message).toContain("broken.flow.yaml:6:24 - error unknown-event");
    expect(failure!.loc).toEqual({ file: join(root, "broken.flow.yaml"), line: 6, column: 24 });
  });

  it("checks an imported type's module: missing, it fails the build at the import; present, the bundle validates with its schema", async () => {
    const spec = `flowspec: 1
workflow: ToolFlow
types:
  ToolCall: { import: ./schemas.js }
events:
  Called: { kind: stop, fields: { call: ToolCall } }
steps:
  call: { accepts: StartEvent, emits: Called }
`;
    const root = await scratchApp({
      "main.ts": `import { Called } from "./tools.flow.yaml";\nexport const parse = (data: unknown) => Called.schema.safeParse(data).success;\n`,
      "tools.flow.yaml": spec,
    });
    const failure = await build(inlineConfig(root, { build: { ssr: "main.ts", write: false } })).then(
      () => undefined,
      (error: unknown) => error as { message: string; loc?: { file?: string; line: number; column: number } },
    );
    expect(failure!.message).toContain("tools.flow.yaml:4:23 - error missing-module");
    expect(failure!.loc).toEqual({ file: join(root, "tools.flow.yaml"), line: 4, column: 23 });

    await writeFile(join(root, "schemas.js"), `import { z } from "zod";\nexport const ToolCallSchema = z.object({ tool: z.string() });\n`);
    const outDir = join(root, "out");
    await build(inlineConfig(root, { build: { ssr: "main.ts", outDir } }));
    const app = await import(`${pathToFileURL(join(outDir, "main.js")).href}?t=${Date.now()}`);
    expect(app.parse({ call: { tool: "echo" } })).toBe(true);
    expect(app.parse({ call: { tool: 1 } })).toBe(false);
  });

  it("picks up edits in the dev server, and reports a spec broken by an edit", async () => {
    const root = await scratchApp({
      "main.ts": `import { CounterFlowBase } from "./counter.flow.yaml";\nexport const timeout = CounterFlowBase.definition.timeout;\n`,
      "counter.flow.yaml": COUNTER(10),
    });
    const server: ViteDevServer = await createServer(inlineConfig(root, { server: { middlewareMode: true, hmr: false }, appType: "custom" }));
    cleanups.push(() => server.close());
    expect((await server.ssrLoadModule("/main.ts")).timeout).toBe(10);

    await writeFile(join(root, "counter.flow.yaml"), COUNTER(20));
    await expect.poll(async () => (await server.ssrLoadModule("/main.ts")).timeout, { timeout: 10_000, interval: 100 }).toBe(20);

    // Vite's own watcher can merge two saves of one file a few ms apart; a person saves less often.
    await sleep(300);
    await writeFile(join(root, "counter.flow.yaml"), COUNTER(20).replace("accepts: StartEvent", "accepts: Nowhere"));
    await expect
      .poll(() => server.ssrLoadModule("/main.ts").then(() => "loaded", (error: Error) => error.message), { timeout: 10_000, interval: 100 })
      .toContain("counter.flow.yaml:6:14 - error unknown-event");
  });
});
