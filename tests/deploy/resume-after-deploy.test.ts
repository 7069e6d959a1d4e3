// Deploying a changed spec (DESIGN "Deploying a changed spec"), with real processes and a real
// SQLite file: a run starts on v1 and is SIGKILLed mid-way; v2 (compiled from a changed spec)
// resumes it. Compatible changes finish with the right result; breaking ones are refused, naming
// the difference. The field rename that once gave 27 instead of 20 is refused.

import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../compiler/compile.js";
import { SqliteJournal } from "../../sqlite/index.js";
import { bundleEntry, REPO } from "../durable/support/child.js";
import { V1 } from "./support/counter-spec.js";

const dir = join(REPO, "node_modules/.cache/flowspec-deploy-tests", String(process.pid));
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The user code of every version: `FIELD` names Tick's counter field (i, or index after a rename). */
const CHILD = `
import * as gen from "./counter.js";
import { SqliteJournal } from "flowspec/sqlite";
const G = gen as any;
const field = process.env.FIELD ?? "i";
const tick = (value: number) => new G.Tick({ [field]: field === "i" && process.env.I_TYPE === "string" ? String(value) : value });
class Counter extends G.CounterBase {
  async begin(ev: any, ctx: any) { ctx.store.set("n", ev.n); return tick(0); }
  async count(ev: any, ctx: any) {
    await new Promise((r) => setTimeout(r, 25));
    await ctx.store.editState((s: any) => { s.total += 1; });
    const i = Number(ev[field]) + 1;
    process.stdout.write("STEP " + i + "\\n");
    if (i >= ctx.store.get("n")) return new G.Finished({ total: ctx.store.getState().total });
    return tick(i);
  }
  async tally(ev: any, ctx: any) { return this.count(ev, ctx); }
  async audit() {}
}
const journal = new SqliteJournal(process.env.JOURNAL!);
const flow = new Counter({ journal, timeout: null });
if (process.env.MODE === "start") {
  flow.run({ n: 20 }, { runId: "r" });
} else {
  try {
    const result = await flow.resume("r");
    process.stdout.write("RESULT " + JSON.stringify(result) + "\\n");
  } catch (error) {
    process.stdout.write("REFUSED " + (error as Error).message + "\\n");
  }
  journal.close();
}
`;

/** Compiles `spec` and bundles it with the child code into `<dir>/<name>.mjs`. */
async function build(name: string, spec: string): Promise<string> {
  const out = compile(spec, { path: "counter.yaml" });
  expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "counter.ts"), out.files[0]!.contents);
  writeFileSync(join(folder, "child.ts"), CHILD);
  const outfile = join(folder, "child.mjs");
  await bundleEntry(join(folder, "child.ts"), outfile);
  return outfile;
}

/** Runs a built child; `killAfter`: SIGKILL it once it printed that step. Resolves with its stdout. */
function runChild(file: string, env: Record<string, string>, killAfter?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (killAfter !== undefined && out.includes(`STEP ${killAfter}\n`)) child.kill("SIGKILL");
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL" || code === 0) resolve(out);
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

/** Starts a run on v1, kills it after step 8, resumes it with `v2`; returns the resuming child's last line. */
async function deploy(name: string, v2: string, env: Record<string, string> = {}): Promise<string> {
  const journal = join(dir, `${name}.db`);
  const v1File = await build(`${name}-v1`, V1);
  const v2File = await build(`${name}-v2`, v2);
  await runChild(v1File, { JOURNAL: journal, MODE: "start" }, 8);
  const out = await runChild(v2File, { JOURNAL: journal, MODE: "resume", ...env });
  return out.trim().split("\n").at(-1)!;
}

const change = (from: string, to: string) => {
  expect(V1).toContain(from);
  return V1.replace(from, to);
};

describe("resuming a run after a deploy", () => {
  it("the same version resumes (baseline for the others)", async () => {
    expect(await deploy("same", V1)).toBe('RESULT {"total":20}');
  });

  it("compatible: an added optional field, an added step and event, other workers", async () => {
    const v2 = change("note: string? }", "note: string?, by: string? }")
      .replace("events:\n", "events:\n  Audit: {}\n")
      .replace("emits: [Tick, Finished], workers: 1 }", "emits: [Tick, Finished, Audit], workers: 3 }\n  audit: { accepts: Audit, emits: Finished }");
    expect(await deploy("compatible", v2)).toBe('RESULT {"total":20}');
    // The run now belongs to v2: its record carries v2's shape, so a later replay uses v2's routing.
    const journal = new SqliteJournal(join(dir, "compatible.db"), { readonly: true });
    expect(journal.getRun("r")!.shape.steps.map((step) => step.name)).toEqual(["begin", "count", "audit"]);
    journal.close();
  });

  it("compatible: an added state field and event field with defaults", async () => {
    const v2 = change("  total: { type: integer, default: 0 }\n", "  total: { type: integer, default: 0 }\n  label: { type: string, default: x }\n").replace(
      "note: string? }",
      "note: string?, weight: { type: integer, default: 1 } }",
    );
    expect(await deploy("defaults", v2)).toBe('RESULT {"total":20}');
  });

  it("breaking: the field rename is refused, naming the field (it once resumed to 27 instead of 20)", async () => {
    const line = await deploy("rename", change("i: integer,", "index: integer,"), { FIELD: "index" });
    expect(line).toMatch(/^REFUSED Run "r" in .* was journaled by another version of Counter, and the changes break it: /);
    expect(line).toContain('event "Tick" field "i" was removed or renamed');
    expect(line).toContain('event "Tick" field "index" was added as required, with no default');
  });

  it("breaking: a retyped field", async () => {
    const line = await deploy("retype", change("i: integer,", "i: string,"), { I_TYPE: "string" });
    expect(line).toContain('event "Tick" field "i" is string, was integer');
  });

  it("breaking: a renamed step with work pending there", async () => {
    const line = await deploy("step", change("  count: { accepts: Tick", "  tally: { accepts: Tick"));
    expect(line).toContain('step "count" was removed or renamed, and this run has work pending there');
  });
});
