// Type-level tests of imported types (generated/tool-calls.ts, tests/fixtures/emit/imported.ts): the
// generated classes use the app's own types, so a field typed with an imported type takes exactly
// that type. Checked by tsc, never run: each `@ts-expect-error` must meet an error.

import { z } from "flowspec/runtime";
import { CallsChecked, CallsRequested, type ToolsState } from "../fixtures/emit/imported.js";
import type { Money } from "../fixtures/emit/support/money.js";
import type { Verdict } from "../fixtures/emit/support/schemas.js";
import { CallsDone, CallsPlanned, ToolCallFlowBase, type ToolCallFlowContext, type ToolCallFlowSteps, type TaskGiven } from "../../generated/tool-calls.js";
import { ToolCallSchema, ToolResultSchema, type ToolCall, type ToolResult } from "../../specs/support/tools.js";

/** A field of an imported type is the module's type, not a copy of it. */
export const sameType: ToolCall[] = new CallsPlanned({ calls: [{ id: "1", tool: "echo", args: ["hi"] }] }).calls;
export const parsed: ToolCall = ToolCallSchema.parse({ id: "1", tool: "add", args: [1, 2] });
export const planned = new CallsPlanned({ calls: [parsed] });

// @ts-expect-error `tool` is an enum in ToolCallSchema ("add" | "echo"), so the field's type refuses "rm"
export const wrongTool = new CallsPlanned({ calls: [{ id: "1", tool: "rm", args: [] }] });

// @ts-expect-error `calls` is ToolCall[], not one ToolCall
export const notAnArray = new CallsPlanned({ calls: { id: "1", tool: "echo", args: [] } });

// @ts-expect-error `results` holds Outcome (the module's ToolResult), which has no `id`
export const wrongResult = new CallsDone({ results: [{ id: "1", ok: true, output: "" }] });

/** The inline import `ToolCall[]?` is an optional field. */
export const noFailures = new CallsDone({ results: [] satisfies ToolResult[] });
export const failed: ToolCall[] | undefined = noFailures.failed;

/** The event's zod schema is built from the module's schema: its output type is the module's type. */
export type PlannedData = z.infer<typeof CallsPlanned.schema>;
export const planData: PlannedData = { calls: [parsed] };
// @ts-expect-error the schema's output needs `args` on every call, as ToolCallSchema does
export const planDataMissingArgs: PlannedData = { calls: [{ id: "1", tool: "echo" }] };

/** The check each generated module ends with (`void (<Name>Schema satisfies z.ZodType<<Name>>)`) fails
 * when the module's pair disagrees: here, a schema whose values are no ToolCall. */
// @ts-expect-error ToolResultSchema parses ToolResults, not ToolCalls
void (ToolResultSchema satisfies z.ZodType<ToolCall>);
void (ToolCallSchema satisfies z.ZodType<ToolCall>);

/** Steps see the imported types in their events, resources and state. */
export class ToolCallFlow extends ToolCallFlowBase {
  async plan(ev: TaskGiven, ctx: ToolCallFlowContext<"plan">, { tools }: ToolCallFlowSteps["plan"]["resources"]) {
    const calls = await tools.plan(ev.task);
    await ctx.store.editState((state) => {
      state.lastCall = calls[0];
      // @ts-expect-error lastCall is a ToolCall, not a string
      state.lastCall = "call-1";
    });
    return new CallsPlanned({ calls });
  }

  async runCalls(ev: CallsPlanned, _ctx: ToolCallFlowContext<"runCalls">, { tools }: ToolCallFlowSteps["runCalls"]["resources"]) {
    const results = await Promise.all(ev.calls.map((call) => tools.run(call)));
    return new CallsDone({ results, failed: ev.calls.filter((_, i) => !results[i]!.ok) });
  }
}

/** The fixture: an alias (`Check` is the module's `Verdict`), a map of it, and an inline import inside a declared type. */
export const checked = new CallsChecked({
  checks: { a: { ok: true } satisfies Verdict },
  invoice: { total: { cents: 100, currency: "EUR" } satisfies Money, perTool: {} },
  first: { tool: "echo", args: [] },
});
// @ts-expect-error Verdict's `ok` is a boolean
export const badCheck = new CallsChecked({ checks: { a: { ok: "yes" } }, invoice: checked.invoice, first: checked.first });
// @ts-expect-error CallsRequested needs at least its `calls`
export const noCalls = new CallsRequested({});
export const history: ToolsState["history"] = [{ tool: "echo", args: [] }];
