// `flowspec serve <module> [--port] [--host]`: in-process (serveModule) and as the built, bundled bin.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, expect, test } from "vitest";
import { optionsFromModule, serveModule } from "../../compiler/commands/serve.js";
import { until } from "./support/http.js";
import { run } from "../support/run-command.js";

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function io() {
  const out = { stdout: "", stderr: "" };
  return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) }, cwd: process.cwd() } };
}

test("serves a module's exported workflows on 127.0.0.1 until told to stop; the token comes from FLOWSPEC_SERVER_TOKEN", async () => {
  const { out, io: cmdIo } = io();
  const stop = new AbortController();
  const exit = serveModule(["tests/server/support/served-module.ts", "--port", "0"], cmdIo, stop.signal, { FLOWSPEC_SERVER_TOKEN: "tok" });
  const url = await until(() => /on (http:\S+)/.exec(out.stdout)?.[1]);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(out.stdout).toMatch(/demo, trivial, waiting on|\bdemo\b.*\btrivial\b/);
  expect((await fetch(`${url}/workflows`)).status).toBe(401);
  const r = await fetch(`${url}/workflows`, { headers: { authorization: "Bearer tok" } });
  expect(((await r.json()) as { workflows: string[] }).workflows.sort()).toEqual(["demo", "trivial", "waiting"]);
  stop.abort();
  expect(await exit).toBe(0);
  await expect(fetch(`${url}/health`)).rejects.toThrow();
});

test("bad usage and unusable modules exit 2 with a message", async () => {
  const cases: [string[], RegExp][] = [
    [[], /missing the <module> argument/],
    [["tests/server/support/served-module.ts", "--port", "http"], /--port must be a port number/],
    [["tests/server/support/nope.ts"], /cannot load/],
    [["tests/server/support/empty-module.ts"], /exports no workflow instance/],
  ];
  for (const [args, message] of cases) {
    const { out, io: cmdIo } = io();
    expect(await serveModule(args, cmdIo, AbortSignal.abort(), {}), args.join(" ")).toBe(2);
    expect(out.stderr, args.join(" ")).toMatch(message);
  }
  const usage = await run(["serve", "a", "b"], process.cwd());
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/^flowspec serve: /);
  expect((await run(["--help"], process.cwd())).stdout).toContain("flowspec serve <module>");
});

test("a default export { workflows, ...options } is taken as the server options", () => {
  const flow = { run() {}, constructor: undefined };
  expect(optionsFromModule({ default: { workflows: {}, retention: 5 } })).toEqual({ workflows: {}, retention: 5 });
  expect(typeof optionsFromModule({ x: flow })).toBe("string");
});

test("the built bin serves, and stops on SIGTERM (its lazy chunk bundles flowspec/server)", async () => {
  const bin = "dist/cli/flowspec.js";
  expect(existsSync(bin), "dist/ is not built: run npm run build").toBe(true);
  expect(readFileSync(bin, "utf8"), "dist/cli predates the serve command: run npm run build").toMatch(/chunks\/serve-\w+\.js/);
  const child = spawn(process.execPath, ["--no-warnings", "--import", "./tests/durable/support/register.mjs", bin, "serve", "tests/server/support/served-module.ts", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const url = await Promise.race([until(() => /on (http:\S+)/.exec(stdout)?.[1]), exited.then(() => Promise.reject(new Error(`exited: ${stderr}`)))]);
    const r = await fetch(`${url}/workflows/trivial/run`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await r.json()).toMatchObject({ status: "completed", result: { type: "Done" } });
    // A run left waiting, with its 120 s timeout pending: SIGTERM still ends the process.
    const w = await fetch(`${url}/workflows/waiting/run-nowait`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"start_event":{"name":"Ada"}}' });
    expect(w.status).toBe(200);
  } finally {
    child.kill("SIGTERM");
  }
  expect(await exited).toBe(0);
}, 30_000);
