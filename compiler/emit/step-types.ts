// Output: export interface JokeFlowSteps { generateJoke: { event: JokeRequested; emits: JokeWritten; ctx: StepContext<…>;
//           resources: { llm: Llm }; returns: Promise<JokeWritten | void> }; ... }
//         export type JokeFlowContext<M extends keyof JokeFlowSteps> = StepContext<JokeFlowState, JokeFlowSteps[M]["emits"], JokeProgress>;
// For annotating step implementations: TypeScript does not type an overriding method's parameters.

import { runtime, type EmitContext } from "./context.js";
import { safeIdentifier } from "./emit-error.js";
import { stateType } from "./state.js";
import { stepSignature, streamableType } from "./step-signature.js";
import { writeDoc, writeList, writeObjectType, type SourceWriter } from "./writer.js";

export function writeStepTypes(ctx: EmitContext, w: SourceWriter): void {
  const { steps, context, base } = ctx.names;
  const withResources = ctx.model.steps.find((step) => step.resources.length > 0);
  const example = safeIdentifier((withResources ?? ctx.model.steps[0]!).method, "step method");
  const intro = `The steps of {@link ${base}} by method name: the event each accepts, the events it may emit, its context, the resources it receives (\`never\`: none) and what it returns.`;
  const annotate = ` For annotating a step's implementation: \`resources: ${steps}["${example}"]["resources"]\`.`;
  writeDoc(w, { notes: [withResources ? intro + annotate : intro] });
  w.write(`export interface ${steps}`).block(() => {
    for (const step of ctx.model.steps) {
      const signature = stepSignature(ctx, step);
      const members = [
        `event: ${signature.event}`,
        `emits: ${signature.emits}`,
        `ctx: ${signature.ctx}`,
        `resources: ${signature.resources ?? "never"}`,
        `returns: ${signature.returns}`,
      ];
      writeDoc(w, step.description);
      writeObjectType(w, `${safeIdentifier(step.method, "step method", step.span)}: `, members, ";");
    }
  });
  w.blankLine();
  writeDoc(w, {
    notes: [
      `The context step \`M\` receives, as in \`ctx: ${context}<"${example}">\`. Its \`sendEvent\` takes only the events the step emits, ` +
        "and its `writeEventToStream` only the workflow's own events (not its start or stop events).",
    ],
  });
  const typeArguments = [stateType(ctx), `${steps}[M]["emits"]`, streamableType(ctx)];
  writeList(w, `export type ${context}<M extends keyof ${steps}> = ${runtime(ctx, "StepContext", true)}`, typeArguments, ";", "<>");
}
