// The compiler's model (compiler/model.ts BUILTIN_EVENTS) and the runtime (runtime/event.ts
// BUILT_IN_EVENTS) each list the built-in events. This ties the two lists: the same type names, the
// same kinds, the same fields with the same primitive types.

import { expect, test } from "vitest";
import type { ZodObject, ZodType } from "zod";
import { BUILTIN_EVENTS } from "../../compiler/model.js";
import { BUILT_IN_EVENTS } from "../../runtime/event.js";

const compilerView = Object.entries(BUILTIN_EVENTS)
  .map(([name, { kind, fields }]) => ({ name, kind, fields: fields.map((f) => `${f.name}: ${f.type}`).sort() }))
  .sort((a, b) => a.name.localeCompare(b.name));

const runtimeView = BUILT_IN_EVENTS.map((cls) => {
  const shape = (cls.schema as ZodObject).shape as Record<string, ZodType>;
  const fields = Object.entries(shape).map(([name, schema]) => `${name}: ${(schema.def as { type: string }).type}`);
  return { name: cls.typeName, kind: cls.kind, fields: fields.sort() };
}).sort((a, b) => a.name.localeCompare(b.name));

test("the compiler and the runtime know the same built-in events", () => {
  expect(compilerView).toEqual(runtimeView);
  expect(compilerView.map((e) => e.name)).toEqual(["HumanResponseEvent", "InputRequiredEvent", "StartEvent", "StopEvent"]);
});
