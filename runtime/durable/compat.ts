// The compatibility rule between two versions of a workflow (DESIGN "Deploying a changed spec"):
// one module, used by the SQLite journal's resume, `flowspec runs check` and `flowspec diff`.
//
// A run resumes on a new version when every change that touches what the run has journaled is
// compatible. What a run touches:
//  - the event types its data holds: every event in its journal from its latest snapshot on (queued,
//    in flight, buffered, sent, returned), and every event its stream carried (replayed to readers);
//  - the named types those events' fields (and the state's) use, transitively;
//  - its state (always);
//  - the steps that have work pending for it (queued or in-flight deliveries, collect buffers),
//    with the event types pending there.
// For what it touches: an event removed or renamed, or of another kind; a field removed, renamed,
// retyped, made required (optional or defaulted before, neither now), added as required, or with
// other constraints; a pending step removed, renamed, or no longer accepting a pending event: each
// breaks the run. Everything else is compatible: added steps and events, added optional or
// defaulted fields, a changed default, changed descriptions, retries, timeouts or workers (a
// replay decides with the values the run journaled), and any change to what the run never touched
// (a removed step that it never reached and has no work pending at is not a break).

import { diffShapes } from "./journal.js";
import { namesOnly, type FieldShape, type WorkflowShape } from "../backend.js";

/** A difference between two versions, and whether it can stop a run in flight from resuming. */
export interface ShapeChange {
  readonly breaking: boolean;
  readonly message: string;
}

/** What a run has touched (see the module comment). */
export interface Touched {
  /** Event type names its data holds. */
  readonly events: ReadonlySet<string>;
  /** Step name → the event type names pending there. */
  readonly pending: ReadonlyMap<string, ReadonlySet<string>>;
}

const PRIMITIVES = new Set(["string", "number", "integer", "boolean", "unknown", "map"]);

/** Named types a type text refers to: `map<Critique[]>` → Critique. */
function namedIn(type: string): string[] {
  return (type.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).filter((name) => !PRIMITIVES.has(name));
}

const isV2 = (shape: WorkflowShape) => shape.version === 2;
const json = (value: unknown) => JSON.stringify(value);
const optionalish = (f: FieldShape) => f.optional === true || "default" in f;

/** The changes of one list of fields (`owner`: "event JokeWritten", "type Critique", "state"). */
function fieldChanges(owner: string, was: readonly FieldShape[], now: readonly FieldShape[]): ShapeChange[] {
  const out: ShapeChange[] = [];
  const nowByName = new Map(now.map((f) => [f.name, f]));
  const wasNames = new Set(was.map((f) => f.name));
  for (const w of was) {
    const n = nowByName.get(w.name);
    const field = `${owner} field "${w.name}"`;
    if (n === undefined) {
      out.push({ breaking: true, message: `${field} was removed or renamed` });
      continue;
    }
    if (n.type !== w.type) out.push({ breaking: true, message: `${field} is ${n.type}, was ${w.type}` });
    if (optionalish(w) && !optionalish(n)) out.push({ breaking: true, message: `${field} was made required` });
    else if (!optionalish(w) && optionalish(n)) out.push({ breaking: false, message: `${field} was made ${n.optional ? "optional" : "defaulted"}` });
    if (json(w.constraints ?? {}) !== json(n.constraints ?? {})) {
      out.push({ breaking: true, message: `${field} has constraints ${json(n.constraints ?? {})}, was ${json(w.constraints ?? {})}` });
    }
    if ("default" in w && "default" in n && json(w.default) !== json(n.default)) out.push({ breaking: false, message: `${field} defaults to ${json(n.default)}, was ${json(w.default)}` });
  }
  for (const n of now) {
    if (wasNames.has(n.name)) continue;
    const field = `${owner} field "${n.name}"`;
    out.push(optionalish(n) ? { breaking: false, message: `${field} was added (${n.optional ? "optional" : "with a default"})` } : { breaking: true, message: `${field} was added as required, with no default` });
  }
  return out;
}

/** Changes to steps: `pending` limits the breaking ones to steps with work pending (null: any step, for `diff`). */
function stepChanges(was: WorkflowShape, now: WorkflowShape, pending: ReadonlyMap<string, ReadonlySet<string>> | null): ShapeChange[] {
  const out: ShapeChange[] = [];
  const nowSteps = new Map(now.steps.map((s) => [s.name, s]));
  const wasSteps = new Set(was.steps.map((s) => s.name));
  for (const w of was.steps) {
    const n = nowSteps.get(w.name);
    const waiting = pending === null ? null : pending.get(w.name);
    if (n === undefined) {
      if (pending === null) out.push({ breaking: true, message: `step "${w.name}" was removed or renamed (a run with work pending there cannot resume)` });
      else if (waiting !== undefined) out.push({ breaking: true, message: `step "${w.name}" was removed or renamed, and this run has work pending there` });
      continue;
    }
    for (const name of w.accepts) {
      if (n.accepts.includes(name)) continue;
      if (pending === null) out.push({ breaking: true, message: `step "${w.name}" no longer accepts ${name} (a run with ${name} pending there cannot resume)` });
      else if (waiting?.has(name)) out.push({ breaking: true, message: `step "${w.name}" no longer accepts ${name}, and this run has ${name} pending there` });
    }
    if (pending !== null) continue;
    for (const name of n.accepts) if (!w.accepts.includes(name)) out.push({ breaking: false, message: `step "${w.name}" also accepts ${name}` });
    if (json(w.emits) !== json(n.emits)) out.push({ breaking: false, message: `step "${w.name}" emits [${n.emits.join(", ")}], was [${w.emits.join(", ")}]` });
    if (w.workers !== n.workers) out.push({ breaking: false, message: `step "${w.name}" has workers ${n.workers}, was ${w.workers}` });
    if (w.attempts !== n.attempts) out.push({ breaking: false, message: `step "${w.name}" has ${n.attempts} attempts, was ${w.attempts}` });
  }
  if (pending === null) for (const n of now.steps) if (!wasSteps.has(n.name)) out.push({ breaking: false, message: `step "${n.name}" was added` });
  return out;
}

/** Changes to events, named types and state; `touched` limits them to what a run touched (null: all, for `diff`). */
function dataChanges(was: WorkflowShape, now: WorkflowShape, touched: ReadonlySet<string> | null): ShapeChange[] {
  const out: ShapeChange[] = [];
  const nowEvents = new Map(now.events.map((e) => [e.name, e]));
  const wasEvents = new Set(was.events.map((e) => e.name));
  const types = new Set<string>();
  const use = (fields: readonly FieldShape[] | undefined) => fields?.forEach((f) => namedIn(f.type).forEach((t) => types.add(t)));
  for (const w of was.events) {
    if (touched !== null && !touched.has(w.name)) continue;
    use(w.fields);
    const n = nowEvents.get(w.name);
    const tail = touched === null ? "" : ", and this run holds one";
    if (n === undefined) out.push({ breaking: true, message: `event "${w.name}" was removed or renamed${tail}` });
    else if (n.kind !== w.kind) out.push({ breaking: true, message: `event "${w.name}" is of kind ${n.kind}, was ${w.kind}${tail}` });
    else out.push(...fieldChanges(`event "${w.name}"`, w.fields ?? [], n.fields ?? []));
  }
  if (touched === null) for (const n of now.events) if (!wasEvents.has(n.name)) out.push({ breaking: false, message: `event "${n.name}" was added` });
  use(was.state);
  out.push(...fieldChanges("state", was.state ?? [], now.state ?? []));
  // Named types used by what was compared, transitively (all of them for `diff`).
  const wasTypes = new Map((was.types ?? []).map((t) => [t.name, t.fields]));
  const nowTypes = new Map((now.types ?? []).map((t) => [t.name, t.fields]));
  if (touched === null) for (const name of wasTypes.keys()) types.add(name);
  const seen = new Set<string>();
  for (const name of types) {
    if (seen.has(name)) continue;
    seen.add(name);
    const w = wasTypes.get(name);
    if (w === undefined) continue;
    use(w);
    const n = nowTypes.get(name);
    if (n === undefined) out.push({ breaking: true, message: `type "${name}" was removed or renamed` });
    else out.push(...fieldChanges(`type "${name}"`, w, n));
  }
  if (touched === null) for (const name of nowTypes.keys()) if (!wasTypes.has(name)) out.push({ breaking: false, message: `type "${name}" was added` });
  return out;
}

/**
 * Every difference between two versions, each classified: breaking when it would stop some run in
 * flight that touched it from resuming (what `flowspec diff` prints).
 */
export function shapeChanges(was: WorkflowShape, now: WorkflowShape): ShapeChange[] {
  if (!isV2(was) || !isV2(now)) {
    const differences = diffShapes(namesOnly(was), namesOnly(now));
    return differences.map((message) => ({ breaking: true, message }));
  }
  return [...stepChanges(was, now, null), ...dataChanges(was, now, null)];
}

/**
 * The differences that stop a run that touched `touched`, journaled with shape `was`, from
 * resuming on `now`; empty when it can. A shape from before version 2 (no fields recorded) is
 * unknown: then any difference of names and kinds is a break.
 */
export function resumeBreaks(was: WorkflowShape, now: WorkflowShape, touched: Touched): string[] {
  if (!isV2(was) || !isV2(now)) return diffShapes(namesOnly(was), namesOnly(now));
  return [...stepChanges(was, now, touched.pending), ...dataChanges(was, now, touched.events)].filter((c) => c.breaking).map((c) => c.message);
}
