// Output: the routing metadata the runtime reads instead of reflecting on the class:
//   static readonly definition: WorkflowDefinition = { name: "JokeFlow", startEvent: JokeRequested,
//     events: [...], steps: [{ name: "generate_joke", method: "generateJoke", accepts: [...], ... }],
//     resources: { llm: { factory: createLlm, cache: true } }, state: JokeFlowStateSchema,
//     fields: { events: { JokeRequested: [{ name: "topic", type: "string" }] }, types: {}, state: [...] } };

import type { StepModel } from "../model.js";
import { fieldShapesOf } from "../shape.js";
import { runtime, type EmitContext } from "./context.js";
import { literal, propertyName, stringLiteral } from "./escape.js";
import { eventRef, resourceFactory } from "./refs.js";
import { writeList, type SourceWriter } from "./writer.js";

export function writeDefinition(ctx: EmitContext, w: SourceWriter): void {
  const { model } = ctx;
  w.write(`static readonly definition: ${runtime(ctx, "WorkflowDefinition", true)} = `).inlineBlock(() => {
    w.writeLine(`name: ${stringLiteral(model.workflow)},`);
    if (model.timeout !== undefined) w.writeLine(`timeout: ${literal(model.timeout)},`);
    w.writeLine(`startEvent: ${eventRef(ctx, model.startEvent)},`);
    writeList(w, "events: ", model.events.map((event) => eventRef(ctx, event.name)), ",");
    if (model.steps.length === 0) {
      w.writeLine("steps: [],");
    } else {
      w.writeLine("steps: [");
      w.indent(() => {
        for (const step of model.steps) writeStep(ctx, w, step);
      });
      w.writeLine("],");
    }
    if (model.resources.length === 0) {
      w.writeLine("resources: {},");
    } else {
      w.write("resources: ").inlineBlock(() => {
        for (const resource of model.resources) {
          w.writeLine(`${propertyName(resource.name)}: { factory: ${resourceFactory(ctx, resource)}, cache: ${resource.cache} },`);
        }
      });
      w.write(",").newLine();
    }
    if (model.state.length > 0) w.writeLine(`state: ${ctx.names.stateSchema},`);
    writeFieldShapes(ctx, w);
  });
  w.write(";").newLine();
}

function writeStep(ctx: EmitContext, w: SourceWriter, step: StepModel): void {
  w.inlineBlock(() => {
    w.writeLine(`name: ${stringLiteral(step.name)},`);
    w.writeLine(`method: ${stringLiteral(step.method)},`);
    writeList(w, "accepts: ", step.accepts.map((ref) => eventRef(ctx, ref)), ",");
    writeList(w, "emits: ", step.emits.map((ref) => eventRef(ctx, ref)), ",");
    writeList(w, "resources: ", step.resources.map((ref) => stringLiteral(ref.name)), ",");
    w.writeLine(`workers: ${literal(step.workers)},`);
    if (step.retry) {
      const { attempts, delay, backoff } = step.retry;
      w.writeLine(`retry: { attempts: ${literal(attempts)}, delay: ${literal(delay)}, backoff: ${literal(backoff)} },`);
    }
    if (step.timeout !== undefined) w.writeLine(`timeout: ${literal(step.timeout)},`);
  });
  w.write(",").newLine();
}

/** The spec's field shapes, journaled with each run so a later version can tell whether it may resume it. */
function writeFieldShapes(ctx: EmitContext, w: SourceWriter): void {
  const shapes = fieldShapesOf(ctx.model);
  w.write("fields: ").inlineBlock(() => {
    for (const key of ["events", "types"] as const) {
      const entries = Object.entries(shapes[key]);
      if (entries.length === 0) {
        w.writeLine(`${key}: {},`);
        continue;
      }
      w.write(`${key}: `).inlineBlock(() => {
        for (const [name, fields] of entries) w.writeLine(`${propertyName(name)}: ${literal(fields)},`);
      });
      w.write(",").newLine();
    }
    w.writeLine(`state: ${literal(shapes.state)},`);
  });
  w.write(",").newLine();
}
