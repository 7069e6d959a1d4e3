// specs/tool-calls.yaml run end to end: its events carry the app's own types (specs/support/tools.ts),
// imported by the spec, and the module's zod schemas are what validates them at run time, in memory
// and on the SQLite journal (where the imported-type fields are journaled and read back).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WorkflowValidationError } from "flowspec/runtime";
import { CallsDone, CallsPlanned, ToolCallFlowBase, type TaskGiven, type ToolCallFlowContext, type ToolCallFlowSteps } from "../../generated/tool-calls.js";
import { SqliteJournal } from "../../sqlite/index.js";
import { createToolbox, ToolCallSchema, ToolResultSchema, type ToolCall, type Toolbox } from "../../specs/support/tools.js";

class ToolCallFlow extends ToolCallFlowBase {
  async plan(ev: TaskGiven, ctx: ToolCallFlowContext<"plan">, { tools }: ToolCallFlowSteps["plan"]["resources"]) {
    const calls = await tools.plan(ev.task);
    await ctx.store.editState((state) => {
      state.lastCall = calls[calls.length - 1];
    });
    return new CallsPlanned({ calls });
  }

  async runCalls(ev: CallsPlanned, _ctx: ToolCallFlowContext<"runCalls">, { tools }: ToolCallFlowSteps["runCalls"]["resources"]) {
    const results = await Promise.all(ev.calls.map((call) => tools.run(call)));
    const failed = ev.calls.filter((_, i) => !results[i]!.ok);
    return new CallsDone({ results, ...(failed.length > 0 ? { failed } : {}) });
  }
}

/** A toolbox whose planner returns what the test says, typed or not. */
function plannedBy(calls: unknown[]): Toolbox {
  return { ...createToolbox(), plan: async () => calls as ToolCall[] };
}

const dir = mkdtempSync(join(tmpdir(), "flowspec-imported-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ToolCallFlow (imported types), in memory", () => {
  it("plans and runs the calls; the stop event holds the module's types", async () => {
    const result = await new ToolCallFlow().run({ task: "add 2 and 40" });
    expect(result).toBeInstanceOf(CallsDone);
    expect(result.results).toEqual([
      { callId: "call-1", ok: true, output: "add 2 and 40" },
      { callId: "call-2", ok: true, output: "42" },
    ]);
    expect(result.failed).toBeUndefined();
    for (const outcome of result.results) expect(ToolResultSchema.parse(outcome)).toEqual(outcome);
  });

  it("the state's imported-type field holds the last call", async () => {
    const flow = new ToolCallFlow();
    const handler = flow.run({ task: "echo" });
    await handler;
    expect(await handler.ctx.store.getState()).toEqual({ lastCall: { id: "call-1", tool: "echo", args: ["echo"] } });
  });

  it("the optional array of an imported type is filled when a call fails", async () => {
    const flow = new ToolCallFlow({ resources: { tools: () => plannedBy([{ id: "n", tool: "add", args: ["x"] }]) } });
    const result = await flow.run({ task: "add x" });
    expect(result.results).toEqual([{ callId: "n", ok: false, output: "NaN" }]);
    expect(result.failed).toEqual([{ id: "n", tool: "add", args: ["x"] }]);
  });

  it("the module's schema validates the state: an invalid last call fails the edit", async () => {
    const flow = new ToolCallFlow({ resources: { tools: () => plannedBy([{ id: "1", tool: "rm", args: [] }]) } });
    const error = await flow.run({ task: "rm -rf" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect(error).toMatchObject({ target: "state", field: "lastCall.tool" });
  });

  it("the module's schema validates the events: a call with an unknown tool fails the run", async () => {
    const calls = [{ id: "1", tool: "rm", args: [] }, { id: "2", tool: "echo", args: ["ok"] }];
    const flow = new ToolCallFlow({ resources: { tools: () => plannedBy(calls) } });
    const error = await flow.run({ task: "rm -rf" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect(error).toMatchObject({ target: "CallsPlanned" });
    expect((error as WorkflowValidationError).field).toMatch(/^calls\.0\.tool$/);
    // The same verdict as the module's own schema gives.
    expect(ToolCallSchema.safeParse({ id: "1", tool: "rm", args: [] }).success).toBe(false);
  });

  it("and so does the spec's constraint on the array (minLength 1)", async () => {
    const flow = new ToolCallFlow({ resources: { tools: () => plannedBy([]) } });
    const error = await flow.run({ task: "nothing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect(error).toMatchObject({ target: "CallsPlanned", field: "calls" });
  });
});

describe("ToolCallFlow (imported types), on the SQLite journal", () => {
  it("journals the run, and its imported-type fields read back from the journal", async () => {
    const file = join(dir, "runs.db");
    const journal = new SqliteJournal(file);
    const flow = new ToolCallFlow({ journal });
    const result = await flow.run({ task: "add 1 1" }, { runId: "tools-1" });
    expect(result.results.map((r) => r.output)).toEqual(["add 1 1", "2"]);
    expect(journal.getRun("tools-1")!.status).toBe("completed");
    journal.close();

    const reopened = new SqliteJournal(file);
    const run = reopened.getRun("tools-1")!;
    expect(run.status).toBe("completed");
    expect(JSON.stringify(run)).toContain('"callId":"call-2"');
    reopened.close();
  });
});
