// Every change between two versions of a spec, each classified as compatible or breaking for runs
// in flight (runtime/durable/compat.ts's rule on the two shapes), plus what the shapes leave out (timeouts,
// retry delays, descriptions, resources), which is always compatible.

import type { FieldModel, SpecModel } from "./model.js";
import { shapeOfModel } from "./shape.js";
import { shapeChanges, type ShapeChange } from "../runtime/durable/index.js";

/** The changes from `was` to `now`, breaking ones first, then in the order found. */
export function diffModels(was: SpecModel, now: SpecModel): ShapeChange[] {
  const changes = [...shapeChanges(shapeOfModel(was), shapeOfModel(now)), ...unshapedChanges(was, now)];
  if (was.workflow !== now.workflow) changes.unshift({ breaking: true, message: `the workflow is named ${now.workflow}, was ${was.workflow} (its runs are journaled under the old name)` });
  return [...changes.filter((c) => c.breaking), ...changes.filter((c) => !c.breaking)];
}

const json = (value: unknown) => JSON.stringify(value ?? null);

function unshapedChanges(was: SpecModel, now: SpecModel): ShapeChange[] {
  const out: ShapeChange[] = [];
  const note = (message: string) => out.push({ breaking: false, message });
  if (was.timeout !== now.timeout) note(`the workflow timeout is ${json(now.timeout)}, was ${json(was.timeout)}`);
  if (was.description !== now.description) note("the workflow description changed");
  const nowSteps = new Map(now.steps.map((s) => [s.name, s]));
  for (const w of was.steps) {
    const n = nowSteps.get(w.name);
    if (n === undefined) continue;
    if (json(w.timeout) !== json(n.timeout)) note(`step "${w.name}" has timeout ${json(n.timeout)}, was ${json(w.timeout)}`);
    if (w.retry?.delay !== n.retry?.delay || w.retry?.backoff !== n.retry?.backoff) note(`step "${w.name}" retries with other delays`);
    if (w.description !== n.description) note(`step "${w.name}" description changed`);
    const resources = (s: typeof w) => s.resources.map((r) => r.name).join(", ");
    if (resources(w) !== resources(n)) note(`step "${w.name}" uses resources [${resources(n)}], was [${resources(w)}]`);
  }
  const nowEvents = new Map(now.events.map((e) => [e.name, e]));
  for (const w of was.events) {
    const n = nowEvents.get(w.name);
    if (n === undefined) continue;
    if (w.description !== n.description) note(`event "${w.name}" description changed`);
    describedFields(`event "${w.name}"`, w.fields, n.fields, note);
  }
  describedFields("state", was.state, now.state, note);
  const nowResources = new Map(now.resources.map((r) => [r.name, r]));
  const wasResources = new Set(was.resources.map((r) => r.name));
  for (const w of was.resources) {
    const n = nowResources.get(w.name);
    if (n === undefined) note(`resource "${w.name}" was removed`);
    else if (w.module !== n.module || w.factory !== n.factory || w.type !== n.type || w.cache !== n.cache) note(`resource "${w.name}" changed`);
  }
  for (const n of now.resources) if (!wasResources.has(n.name)) note(`resource "${n.name}" was added`);
  return out;
}

function describedFields(owner: string, was: readonly FieldModel[], now: readonly FieldModel[], note: (message: string) => void): void {
  const nowFields = new Map(now.map((f) => [f.name, f]));
  for (const w of was) {
    const n = nowFields.get(w.name);
    if (n !== undefined && w.description !== n.description) note(`${owner} field "${w.name}" description changed`);
  }
}
