// Output: export abstract class JokeFlowBase extends Workflow<JokeFlowState, JokeFlowResources, { topic: string }, CritiqueReady, JokeProgress | CritiqueReady> {
//           static readonly definition: WorkflowDefinition = { ... };
//           constructor(options?: WorkflowOptions<JokeFlowResources>) { super(JokeFlowBase.definition, options); }
//           abstract generateJoke(ev: JokeRequested, ctx: StepContext<...>, resources: { llm: Llm }): Promise<JokeWritten | void>;
//         }

import type { StepModel } from "../model.js";
import { runtime, type EmitContext } from "./context.js";
import { safeIdentifier } from "./emit-error.js";
import { inputMembers, isOptionalInput } from "./fields.js";
import { writeDefinition } from "./definition.js";
import { eventRef } from "./refs.js";
import { resourcesType } from "./resources.js";
import { stateType } from "./state.js";
import { stepSignature, streamedType } from "./step-signature.js";
import { MAX_LINE, writeDoc, writeList, writeObjectType, type SourceWriter } from "./writer.js";

export function writeWorkflowBase(ctx: EmitContext, w: SourceWriter): void {
  const { base } = ctx.names;
  const options = `${runtime(ctx, "WorkflowOptions", true)}<${resourcesType(ctx)}>`;
  writeDoc(w, { description: ctx.model.description, notes: usageNotes(ctx) });
  writeHeading(ctx, w);
  w.indent(() => {
    writeDefinition(ctx, w);
    w.blankLine();
    w.write(`constructor(options?: ${options})`).block(() => {
      w.writeLine(`super(${base}.definition, options);`);
    });
    for (const step of ctx.model.steps) {
      w.blankLine();
      writeStepMethod(ctx, w, step);
    }
  });
  w.writeLine("}");
}

/** `export abstract class JokeFlowBase extends Workflow<State, Resources, StartInput, Result, Streamed> {`, with the
 * type arguments one per line when they do not fit on one. */
function writeHeading(ctx: EmitContext, w: SourceWriter): void {
  const start = startInput(ctx);
  const startText = start === "void" ? "void" : `${objectType(start.members)}${start.orVoid ? " | void" : ""}`;
  const heading = `export abstract class ${ctx.names.base} extends ${runtime(ctx, "Workflow")}`;
  const [state, resources, result, streamed] = [stateType(ctx), resourcesType(ctx), resultType(ctx), streamedType(ctx)];
  const oneLine = `${heading}<${[state, resources, startText, result, streamed].join(", ")}> {`;
  if (oneLine.length <= MAX_LINE) {
    w.writeLine(oneLine);
    return;
  }
  w.writeLine(`${heading}<`);
  w.indent(() => {
    w.writeLine(`${state},`);
    w.writeLine(`${resources},`);
    if (start === "void") w.writeLine("void,");
    else if (start.members.length === 0) w.writeLine("Record<string, never> | void,");
    else writeObjectType(w, "", start.members, `${start.orVoid ? " | void" : ""},`);
    w.writeLine(`${result},`);
    w.writeLine(streamed);
  });
  w.writeLine("> {");
}

/** `{ a: A; b: B }`; `Record<string, never>` without members. */
function objectType(members: readonly string[]): string {
  return members.length === 0 ? "Record<string, never>" : `{ ${members.join("; ")} }`;
}

/** `abstract generateJoke(ev: ..., ctx: ..., resources: ...): Promise<...>;`, wrapped when long. */
function writeStepMethod(ctx: EmitContext, w: SourceWriter, step: StepModel): void {
  const method = safeIdentifier(step.method, "step method", step.span);
  const signature = stepSignature(ctx, step);
  const parameters = [`ev: ${signature.event}`, `ctx: ${signature.ctx}`];
  if (signature.resources !== undefined) parameters.push(`resources: ${signature.resources}`);
  writeDoc(w, step.description);
  writeList(w, `abstract ${method}`, parameters, `: ${signature.returns};`, "()");
}

/** What `run()` takes: the start event's constructor input, or'd with `void` when nothing in it is
 * required (so `run()` type-checks); `void` for the built-in StartEvent. */
function startInput(ctx: EmitContext): "void" | { members: string[]; orVoid: boolean } {
  const start = ctx.events.get(ctx.model.startEvent);
  if (!start || start.builtin) return "void";
  return { members: inputMembers(ctx, start.fields), orVoid: start.fields.every(isOptionalInput) };
}

/** What the handler resolves to: the custom stop events the steps emit, or `unknown` (StopEvent's
 * `result`) when StopEvent is among them. */
function resultType(ctx: EmitContext): string {
  const stops = new Set<string>();
  for (const step of ctx.model.steps) {
    for (const ref of step.emits) if (ctx.events.get(ref.name)?.kind === "stop") stops.add(ref.name);
  }
  const stopEvents = [...stops].map((name) => ctx.events.get(name)!);
  if (stopEvents.length === 0 || stopEvents.some((event) => event.builtin)) return "unknown";
  return stopEvents.map((event) => eventRef(ctx, event.name, true)).join(" | ");
}

/** The class's JSDoc after the workflow's description: how to implement it. */
function usageNotes(ctx: EmitContext): (string | string[])[] {
  const { base, workflow, steps, context } = ctx.names;
  const notes: (string | string[])[] = [
    `Generated from the spec. Extend it in your own \`${workflow}\` class, with one method per step. ` +
      "TypeScript does not type an overriding method's parameters from the base class, so annotate them: " +
      `\`${context}<"method">\` is a step's context, and \`${steps}["method"]\` has the step's event, emits and resources.`,
  ];
  const first = ctx.model.steps[0];
  if (!first) return notes;
  const signature = stepSignature(ctx, first);
  const method = safeIdentifier(first.method, "step method", first.span);
  const parameters = [`ev: ${signature.event}`, `ctx: ${context}<"${method}">`];
  if (signature.resources !== undefined) parameters.push(`resources: ${steps}["${method}"]["resources"]`);
  const head = `  async ${method}(${parameters.join(", ")}) {`;
  const example = [
    "@example",
    `class ${workflow} extends ${base} {`,
    ...(head.length <= MAX_LINE - 3 ? [head] : [`  async ${method}(`, ...parameters.map((p) => `    ${p},`), "  ) {"]),
    "    // ...",
    "  }",
    "}",
  ];
  return [...notes, example];
}
