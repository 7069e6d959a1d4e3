// The app's own tool-call types for specs/tool-calls.yaml: each a zod schema and the TypeScript type
// it infers, exported as `<Name>Schema` and `<Name>`, the pair an imported type names. The spec
// imports them instead of repeating their fields, and the generated module uses these very schemas.

import { z } from "flowspec/runtime";

/** A call of one tool, as a model asks for it. */
export const ToolCallSchema = z.object({
  id: z.string().min(1),
  tool: z.enum(["add", "echo"]),
  args: z.array(z.union([z.string(), z.number()])),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/** What a tool call returned (exported as ToolResult; the spec names it Outcome). */
export const ToolResultSchema = z.object({
  callId: z.string(),
  ok: z.boolean(),
  output: z.string(),
});
export type ToolResult = z.infer<typeof ToolResultSchema>;

/** Plans the calls for a task and runs them. */
export interface Toolbox {
  plan(task: string): Promise<ToolCall[]>;
  run(call: ToolCall): Promise<ToolResult>;
}

/** Default factory named by the spec: plans from the words of the task, runs `add` and `echo`, offline. */
export function createToolbox(): Toolbox {
  return {
    plan: async (task) => {
      const numbers = task.match(/-?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
      const calls: ToolCall[] = [{ id: "call-1", tool: "echo", args: [task] }];
      if (numbers.length > 0) calls.push({ id: "call-2", tool: "add", args: numbers });
      return calls;
    },
    run: async (call) => {
      if (call.tool === "add") {
        const sum = call.args.reduce<number>((total, arg) => total + Number(arg), 0);
        return { callId: call.id, ok: Number.isFinite(sum), output: String(sum) };
      }
      return { callId: call.id, ok: true, output: call.args.join(" ") };
    },
  };
}
