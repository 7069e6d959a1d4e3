// `flowspec build --client`: the generated typed client (tests/server/support/demo.client.ts, built
// from demo.yaml) against a live server: run, events from a cursor, send, get, cancel, refusals,
// reconnecting after a dropped connection; the committed client is what the compiler writes; and it
// bundles for the browser with Vite, with no Node built-in and no runtime code.

import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { WorkflowClientError } from "flowspec/client";
import { compile } from "../../compiler/compile.js";
import { createDemoFlowClient, type DemoFlowClient } from "./support/demo.client.js";
import { createTrivialFlowClient } from "./support/trivial.client.js";
import { DemoFlow, TrivialFlow } from "./support/flows.js";
import { serve, type Served } from "./support/http.js";
import { run } from "../support/run-command.js";

let s: Served;
let demo: DemoFlowClient;
beforeAll(async () => {
  s = await serve({ workflows: { demo: new DemoFlow(), trivial: new TrivialFlow(), boom: new TrivialFlow({ fail: true }) }, token: "tok" });
  demo = createDemoFlowClient({ baseUrl: s.url, token: "tok" });
});
afterAll(() => s.close());

test("the committed clients are what `build --client` writes", () => {
  for (const name of ["demo", "trivial"]) {
    const path = `tests/server/support/${name}.yaml`;
    const { files } = compile(readFileSync(path, "utf8"), { path, outPath: `tests/server/support/${name}.ts`, client: true });
    expect(files.map((f) => f.path)).toEqual([`tests/server/support/${name}.ts`, `tests/server/support/${name}.client.ts`]);
    expect(files[1]!.contents).toBe(readFileSync(`tests/server/support/${name}.client.ts`, "utf8"));
  }
});

describe("against a live server", () => {
  test("run, read the events to the question, answer, read on from the cursor, get the result", async () => {
    const h = await demo.run({ name: "Ada", count: 2 });
    expect(h.status).toBe("running");
    const seen: string[] = [];
    let last = -1;
    for await (const ev of demo.events(h.handler_id)) {
      seen.push(ev.type);
      last = ev.sequence;
      if (ev.type === "AskApproval") {
        expect(ev.value.prompt).toBe("Approve 'Hello, Ada!'?"); // typed: AskApproval's fields
        break;
      }
    }
    expect(seen).toEqual(["Progress", "Progress", "AskApproval"]);
    await demo.send(h.handler_id, { type: "Approval", value: { approved: true } });
    const rest = [];
    for await (const ev of demo.events(h.handler_id, { from: last + 1 })) rest.push([ev.sequence, ev.type]);
    expect(rest).toEqual([
      [3, "Progress"],
      [4, "StopEvent"],
    ]);
    const done = await demo.get(h.handler_id);
    expect(done.status).toBe("completed");
    expect(done.result?.type).toBe("StopEvent");
    expect(done.result?.value.result).toEqual({ draft: "Hello, Ada!", approved: true, comment: "" });
  });

  test("runAndWait; a custom stop event; a failed run is an answer, not an error", async () => {
    const trivial = createTrivialFlowClient({ baseUrl: s.url, token: "tok" });
    const done = await trivial.runAndWait({});
    expect(done.result).toMatchObject({ type: "Done", value: { total: 2 } });
    const boom = createTrivialFlowClient({ baseUrl: s.url, token: "tok", name: "boom" });
    const failed = await boom.runAndWait({});
    expect(failed).toMatchObject({ status: "failed", error: "kaboom: deliberate failure" });
    const ended = [];
    for await (const ev of boom.events(failed.handler_id)) ended.push(ev.type);
    expect(ended).toEqual(["WorkflowFailedEvent"]);
  });

  test("refusals are WorkflowClientError with the status, detail and field", async () => {
    const bad = await demo.run({ name: "" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(WorkflowClientError);
    expect(bad).toMatchObject({ status: 400, field: "start_event.name" });
    const h = await demo.run({ name: "Bo" });
    // @ts-expect-error a client cannot send a stop event: not in DemoFlowSends
    const forged = await demo.send(h.handler_id, { type: "StopEvent", value: { result: 1 } }).catch((e: unknown) => e);
    expect(forged).toMatchObject({ status: 400, field: "event.type" });
    // @ts-expect-error approved is a boolean
    const wrong = await demo.send(h.handler_id, { type: "Approval", value: { approved: "yes" } }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ status: 400, field: "event.value.approved" });
    expect(await demo.cancel(h.handler_id)).toBe("cancelled");
    expect((await demo.get(h.handler_id)).status).toBe("cancelled");
    expect(await demo.cancel(h.handler_id, { purge: true })).toBe("deleted");
    await expect(demo.get(h.handler_id)).rejects.toMatchObject({ status: 404, detail: "Handler not found" });
    await expect(createDemoFlowClient({ baseUrl: s.url }).run({ name: "x" })).rejects.toMatchObject({ status: 401 });
  });

  test("a dropped connection is resumed after the last event received: nothing twice, nothing lost", async () => {
    let drops = 0;
    // A fetch that cuts the first event stream after its third frame, as a flaky network would.
    const flaky: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes("/events/") || drops > 0 || response.body === null) return response;
      drops++;
      let frames = 0;
      const cut = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            const text = new TextDecoder().decode(chunk);
            frames += text.split("\n\n").length - 1;
            controller.enqueue(chunk);
            if (frames >= 3) controller.error(new Error("connection reset"));
          },
        }),
      );
      return new Response(cut, { status: response.status, headers: response.headers });
    };
    const client = createDemoFlowClient({ baseUrl: s.url, token: "tok", fetch: flaky });
    const h = await client.run({ name: "Cy", count: 4 });
    const seqs: number[] = [];
    for await (const ev of client.events(h.handler_id)) {
      seqs.push(ev.sequence);
      if (ev.type === "AskApproval") await client.send(h.handler_id, { type: "Approval", value: { approved: false, comment: "no" } });
    }
    expect(drops).toBe(1);
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

test("the generated client bundles for the browser: no Node built-in, no runtime or zod code", async () => {
  const entry = fileURLToPath(new URL("./support/demo.client.ts", import.meta.url));
  const result = await viteBuild({
    configFile: false,
    logLevel: "silent",
    resolve: { alias: { "flowspec/client": fileURLToPath(new URL("../../client/index.ts", import.meta.url)) } },
    build: { write: false, minify: false, lib: { entry, formats: ["es"], fileName: "client" }, rollupOptions: { external: (id) => id.startsWith("node:") } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string; fileName: string }[] }[];
  const chunks = outputs.flatMap((r) => r.output).filter((o) => o.type === "chunk");
  expect(chunks.map((c) => c.fileName)).toEqual(["client.js"]);
  const code = chunks[0]!.code!;
  expect(code).toContain("createDemoFlowClient");
  expect(code).not.toMatch(/from\s+["']node:|require\(|zod|WorkflowHandler|process\./);
  expect(code.length).toBeLessThan(20_000);
}, 60_000);

describe("flowspec build --client", () => {
  test("writes <spec>.client.ts beside each output; --check compares it; a spec that would write a client's path is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowspec-client-"));
    try {
      copyFileSync("tests/server/support/demo.yaml", join(dir, "demo.yaml"));
      let r = await run(["build", "specs", "--out", "out", "--client"], dir);
      expect(r.code).toBe(2); // no specs/ folder there, as for build
      r = await run(["build", ".", "--out", "out", "--client"], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(dir, "out/demo.ts"))).toBe(true);
      expect(readFileSync(join(dir, "out/demo.client.ts"), "utf8")).toContain("export function createDemoFlowClient");
      expect((await run(["build", ".", "--out", "out", "--client", "--check"], dir)).code).toBe(0);
      writeFileSync(join(dir, "out/demo.client.ts"), "// edited\n");
      expect((await run(["build", ".", "--out", "out", "--client", "--check"], dir)).code).toBe(1);
      rmSync(join(dir, "out/demo.client.ts"));
      expect((await run(["build", ".", "--out", "out", "--client", "--check"], dir)).code).toBe(1);
      expect((await run(["build", ".", "--out", "out", "--check"], dir)).code).toBe(0); // without --client, only the module counts
      r = await run(["build", ".", "--out", "out", "--client"], dir);
      expect(r.stdout).toMatch(/1 written/);
      copyFileSync("tests/server/support/demo.yaml", join(dir, "demo.client.yaml"));
      r = await run(["build", ".", "--out", "out", "--client"], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/would both write out\/demo\.client\.ts/);
      expect((await run(["build", ".", "--client", "--watch"], dir)).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
