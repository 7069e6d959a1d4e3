// The model checks, through analyze(): codes and positions, not wording. Positions are found by
// searching the spec text, so each expectation names the node it points at.

import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { buildModel } from "../../compiler/build-model.js";
import { checkModel, modulePathProblem } from "../../compiler/checks/index.js";
import { RESERVED_WORDS } from "../../compiler/reserved.js";
import { loadYaml } from "../../compiler/load.js";
import type { EventModel, FieldModel, SpecModel, StepModel } from "../../compiler/model.js";
import { cpuTimed } from "../support/cpu-time.js";

/** Strips the indentation of the first non-empty line from every line. */
function yaml(text: string): string {
  const lines = text.replace(/^\n/, "").split("\n");
  const indent = /^ */.exec(lines[0]!)![0].length;
  return lines.map((line) => line.slice(indent)).join("\n");
}

/** `line:column` of the `occurrence`-th appearance of `needle` in `source` (1-based). */
function at(source: string, needle: string, occurrence = 1): string {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = source.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' (#${occurrence}) is not in the spec`);
  }
  const before = source.slice(0, index).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** A `line:column` moved right by `columns`. */
function shift(position: string, columns: number): string {
  const [line, column] = position.split(":").map(Number);
  return `${line}:${column! + columns}`;
}

/** Every diagnostic as `code@line:column`, sorted by position. */
function report(source: string): string[] {
  return analyze(source).diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);
}

function codes(source: string): string[] {
  return analyze(source).diagnostics.map((d) => d.code);
}

/** Checks a document without the schema stage (for names the schema cannot even express). */
function checkData(source: string) {
  const { data, locator } = loadYaml(source);
  const built = buildModel(data, locator);
  return [...built.diagnostics, ...checkModel(built.model)];
}

const header = "flowspec: 1\nworkflow: TestFlow\n";

describe("graph verdicts", () => {
  it("accepts a linear flow", () => {
    expect(report(header + yaml(`
      events:
        Written: { fields: { joke: string } }
      steps:
        write: { accepts: StartEvent, emits: Written }
        critique: { accepts: Written, emits: StopEvent }
    `))).toEqual([]);
  });

  it("follows an input_required event to every step accepting a human_response event", () => {
    const spec = header + yaml(`
      events:
        Ask: { kind: input_required, fields: { prefix: string } }
        Answer: { kind: human_response, fields: { response: string } }
      steps:
        ask: { accepts: StartEvent, emits: Ask }
        decide: { accepts: Answer, emits: StopEvent }
        also_decide: { accepts: HumanResponseEvent, emits: StopEvent }
    `);
    expect(report(spec)).toEqual([]);
  });

  it("gives no human edge without an input_required event", () => {
    const spec = header + yaml(`
      steps:
        ask: { accepts: StartEvent, emits: StopEvent }
        decide: { accepts: HumanResponseEvent, emits: StopEvent }
    `);
    expect(report(spec)).toEqual([`unreachable-step@${at(spec, "decide:")}`]);
  });

  it("reports each step of a trap cycle as a dead end, not the step that can still stop", () => {
    const spec = header + yaml(`
      events:
        Ping: { fields: { hits: integer } }
        Pong: { fields: { hits: integer } }
      steps:
        serve: { accepts: StartEvent, emits: [Ping, StopEvent] }
        ping: { accepts: Ping, emits: Pong }
        pong: { accepts: Pong, emits: Ping }
    `);
    expect(report(spec)).toEqual([`dead-end-step@${at(spec, "ping:")}`, `dead-end-step@${at(spec, "pong:")}`]);
  });

  it("accepts a loop that has a way out", () => {
    const spec = header + yaml(`
      events:
        Loop: { fields: { n: integer } }
      steps:
        spin: { accepts: [StartEvent, Loop], emits: [Loop, StopEvent] }
    `);
    expect(report(spec)).toEqual([]);
  });

  it("reports a reachable step that emits nothing as a dead end", () => {
    const spec = header + yaml(`
      events:
        Note: { fields: { text: string } }
      steps:
        start: { accepts: StartEvent, emits: [Note, StopEvent] }
        sink: { accepts: Note }
    `);
    expect(report(spec)).toEqual([`dead-end-step@${at(spec, "sink:")}`]);
  });

  it("reports every cut-off step as unreachable, and not also as a dead end", () => {
    const spec = header + yaml(`
      events:
        Island: { fields: { n: integer } }
        Lagoon: { fields: { n: integer } }
      steps:
        start: { accepts: StartEvent, emits: StopEvent }
        island: { accepts: Island, emits: Lagoon }
        lagoon: { accepts: Lagoon, emits: Island }
    `);
    expect(report(spec)).toEqual([`unreachable-step@${at(spec, "island:")}`, `unreachable-step@${at(spec, "lagoon:")}`]);
  });

  it("stops at no-start-step: nothing else is reachable anyway", () => {
    const spec = header + yaml(`
      events:
        Go: { kind: start, fields: { n: integer } }
        Next: { fields: { n: integer } }
      steps:
        first: { accepts: StartEvent, emits: Next }
        second: { accepts: Next, emits: StopEvent }
    `);
    // Only wrong-start-event (StartEvent never occurs here) says why, at the mention.
    expect(report(spec)).toEqual([`no-start-step@${at(spec, "Go:")}`, `wrong-start-event@${at(spec, "StartEvent")}`]);
  });

  it("reports no-stop-path at the workflow name, without dead ends", () => {
    const spec = header + yaml(`
      events:
        Next: { fields: { n: integer } }
      steps:
        first: { accepts: StartEvent, emits: Next }
        second: { accepts: Next, emits: Next }
    `);
    expect(report(spec)).toEqual([`no-stop-path@${at(spec, "TestFlow")}`]);
  });

  it("reports a misspelled event once, and reads it as the suggestion everywhere else", () => {
    const spec = header + yaml(`
      events:
        JokeWritten: { fields: { joke: string } }
        JokeRated: { fields: { stars: integer } }
      steps:
        write: { accepts: StartEvent, emits: JokWritten }
        rate: { accepts: JokeWritten, emits: JokeRatd }
        finish: { accepts: JokeRated, emits: StopEvnt }
    `);
    expect(report(spec)).toEqual([
      `unknown-event@${at(spec, "JokWritten")}`,
      `unknown-event@${at(spec, "JokeRatd")}`,
      `unknown-event@${at(spec, "StopEvnt")}`,
    ]);
    const messages = analyze(spec).diagnostics.map((d) => d.message);
    expect(messages[0]).toContain("'JokeWritten'");
    expect(messages[2]).toContain("'StopEvent'");
  });

  it("places unconsumed-event and unproduced-event on the names in the lists", () => {
    const spec = header + yaml(`
      events:
        Lost: { fields: { n: integer } }
        Awaited: { fields: { n: integer } }
      steps:
        start: { accepts: StartEvent, emits: [StopEvent, Lost] }
        wait: { accepts: [StartEvent, Awaited], emits: StopEvent }
    `);
    expect(report(spec)).toEqual([`unconsumed-event@${at(spec, "Lost]")}`, `unproduced-event@${at(spec, "Awaited]")}`]);
  });

  it("reports a stop event that is accepted, and also unproduced when nobody emits it", () => {
    const spec = header + yaml(`
      events:
        Done: { kind: stop, fields: { n: integer } }
      steps:
        start: { accepts: StartEvent, emits: StopEvent }
        after: { accepts: [StartEvent, Done], emits: StopEvent }
    `);
    expect(report(spec)).toEqual([`accepts-stop-event@${at(spec, "Done]")}`, `unproduced-event@${at(spec, "Done]")}`]);
  });

  it("refuses routed stream events and exempts them from unused-event", () => {
    const spec = header + yaml(`
      events:
        Progress: { kind: stream, fields: { message: string } }
        Quiet: { kind: stream, fields: { message: string } }
      steps:
        start: { accepts: [StartEvent, Progress], emits: [StopEvent, Progress] }
    `);
    expect(report(spec)).toEqual([`routed-stream-event@${at(spec, "Progress]")}`, `routed-stream-event@${at(spec, "Progress]", 2)}`]);
  });

  it("reports a second start event, without calling its steps unreachable", () => {
    const spec = header + yaml(`
      events:
        Front: { kind: start }
        Back: { kind: start }
      steps:
        front: { accepts: Front, emits: StopEvent }
        back: { accepts: Back, emits: StopEvent }
    `);
    expect(report(spec)).toEqual([`multiple-start-events@${at(spec, "Back:")}`]);
  });
});

describe("identifiers", () => {
  const hostile = 'Evil"); process.exit(1); //';

  it("reports a hostile event name as invalid-identifier", () => {
    const spec = header + yaml(`
      events:
        '${hostile}': { fields: { x: string } }
      steps:
        start: { accepts: StartEvent, emits: '${hostile}' }
        finish: { accepts: '${hostile}', emits: StopEvent }
    `);
    expect(report(spec)).toEqual([`invalid-identifier@${at(spec, `'${hostile}':`)}`]);
  });

  it("reports hostile names of every kind", () => {
    const spec = yaml(`
      flowspec: 1
      workflow: '${hostile}'
      types:
        '${hostile}': { fields: { '${hostile}': string } }
      state:
        'a b': { type: 'string?' }
      resources:
        '${hostile}': { type: '${hostile}', module: ./x.js, factory: '${hostile}' }
      steps:
        '${hostile}': { accepts: StartEvent, emits: StopEvent, resources: ['${hostile}'] }
    `);
    const found = analyze(spec).diagnostics.filter((d) => d.code === "invalid-identifier");
    expect(found.map((d) => `${d.line}:${d.column}`)).toEqual([
      at(spec, `'${hostile}'`), // workflow
      at(spec, `'${hostile}':`), // type
      at(spec, `'${hostile}': string`), // field
      at(spec, "'a b'"), // state field
      at(spec, `'${hostile}': { type`), // resource name
      at(spec, `'${hostile}', module`), // resource type
      at(spec, `'${hostile}' }`), // resource factory
      at(spec, `'${hostile}': { accepts`), // step
    ]);
    for (const d of found) expect(d.message).not.toMatch(/[^\\]"\);/);
  });

  it("reports reserved words as step names", () => {
    const words = ["await", "yield", "let", "static", "implements", "interface", "package", "private", "protected", "public", "enum", "type", "declare", "constructor", "class", "delete", "new", "async", "of", "arguments", "eval", "undefined"];
    for (const word of words) expect(RESERVED_WORDS.has(word), word).toBe(true);
    const spec = header + "steps:\n" + words.map((word) => `  ${word}: { accepts: StartEvent, emits: StopEvent }`).join("\n");
    expect(report(spec)).toEqual(words.map((word) => `invalid-identifier@${at(spec, `${word}:`)}`));
  });

  it("checks the shape of step names", () => {
    const good = ["generate_joke", "writeJoke", "step2", "step_3", "a"];
    const bad = ["GenerateJoke", "generate__joke", "generate-joke", "_private", "$dollar", "__dunder", "generate_Joke", "2fast"];
    const spec = header + "steps:\n" + [...good, ...bad].map((name) => `  '${name}': { accepts: StartEvent, emits: StopEvent }`).join("\n");
    expect(report(spec)).toEqual(bad.map((name) => `invalid-identifier@${at(spec, `'${name}':`)}`));
  });

  it("reports names the generated module already uses", () => {
    const spec = header + yaml(`
      types:
        Promise: { fields: { x: string } }
      events:
        Event: { fields: { x: string } }
        Workflow: { fields: { x: string } }
        Context: { fields: { x: string } }
        StepContext: { fields: { x: Promise } }
      resources:
        zod: { type: Llm, module: ./llm.js, factory: z }
      steps:
        start: { accepts: [StartEvent, Event, Workflow, Context, StepContext], emits: [StopEvent, Event, Workflow, Context, StepContext], resources: [zod] }
    `);
    expect(report(spec)).toEqual([
      `invalid-identifier@${at(spec, "Promise:")}`,
      `invalid-identifier@${at(spec, "Event:")}`,
      `invalid-identifier@${at(spec, "Workflow:")}`,
      `invalid-identifier@${at(spec, "Context:")}`,
      `invalid-identifier@${at(spec, "StepContext:")}`,
      `invalid-identifier@${at(spec, "z }")}`,
    ]);
  });

  it("allows reserved words as field names, but not '__' names or event members", () => {
    const spec = header + yaml(`
      events:
        Payload:
          fields: { number: string, arguments: string, class: string, default: integer, _private: string }
        Broken:
          fields: { constructor: string, toJSON: string, __proto__: string, 2x: string }
      steps:
        start: { accepts: StartEvent, emits: [Payload, Broken] }
        finish: { accepts: [Payload, Broken], emits: StopEvent }
    `);
    expect(report(spec)).toEqual(["constructor", "toJSON", "__proto__", "2x"].map((name) => `invalid-identifier@${at(spec, `${name}:`)}`));
  });

  it("lets a built-in event be redeclared only with its own kind and fields", () => {
    const ok = header + yaml(`
      events:
        StopEvent: { kind: stop, description: The result. }
      steps:
        start: { accepts: StartEvent, emits: StopEvent }
    `);
    expect(report(ok)).toEqual([]);
    const bad = header + yaml(`
      events:
        StopEvent: { kind: event }
        StartEvent: { fields: { extra: string } }
      steps:
        start: { accepts: StartEvent, emits: StopEvent }
        finish: { accepts: StopEvent, emits: StopEvent }
    `);
    expect(codes(bad).filter((code) => code === "invalid-identifier")).toHaveLength(2);
    expect(report(bad)).toContain(`invalid-identifier@${at(bad, "StopEvent:")}`);
    expect(report(bad)).toContain(`invalid-identifier@${at(bad, "StartEvent:")}`);
  });

  it("does not mistake Object.prototype members for built-in events", () => {
    const spec = header + yaml(`
      events:
        toString: { fields: { x: string } }
        __proto__: { fields: { x: string } }
      steps:
        start: { accepts: [StartEvent, constructor, hasOwnProperty], emits: [StopEvent, toString, __proto__] }
    `);
    expect(report(spec)).toEqual([
      `invalid-identifier@${at(spec, "toString:")}`,
      `invalid-identifier@${at(spec, "__proto__:")}`,
      `unknown-event@${at(spec, "constructor")}`,
      `unknown-event@${at(spec, "hasOwnProperty")}`,
      `unconsumed-event@${at(spec, "toString,")}`,
      `unconsumed-event@${at(spec, "__proto__]")}`,
    ]);
  });

  it("does not crash on names the schema never sees", () => {
    expect(() => checkData("flowspec: 1\nworkflow: 42\nsteps: { a: { accepts: 7 } }")).not.toThrow();
    expect(() => checkData("[]")).not.toThrow();
    expect(() => checkData("steps: null")).not.toThrow();
  });
});

describe("duplicate-name", () => {
  it("reports two steps that become the same method, at the later one", () => {
    const spec = header + yaml(`
      steps:
        generate_joke: { accepts: StartEvent, emits: StopEvent }
        generateJoke: { accepts: StartEvent, emits: StopEvent }
    `);
    expect(report(spec)).toEqual([`duplicate-name@${at(spec, "generateJoke:")}`]);
  });

  it("reports steps that would override Workflow members", () => {
    const spec = header + yaml(`
      steps:
        run: { accepts: StartEvent, emits: StopEvent }
        resume: { accepts: StartEvent, emits: StopEvent }
        resume_all: { accepts: StartEvent, emits: StopEvent }
        start: { accepts: StartEvent, emits: StopEvent }
    `);
    expect(report(spec)).toEqual(["run:", "resume:", "resume_all:"].map((key) => `duplicate-name@${at(spec, key)}`));
  });

  it("reports module-level collisions: event and type, generated names, imports", () => {
    const spec = header + yaml(`
      types:
        Critique: { fields: { text: string } }
        TestFlowState: { fields: { text: string } }
        CritiqueSchema: { fields: { text: string } }
      events:
        Critique: { kind: stop, fields: { critique: Critique, a: TestFlowState, b: CritiqueSchema } }
      resources:
        llm: { type: Llm, module: ./llm.js, factory: createLlm }
        other_llm: { type: Llm, module: ./llm.js, factory: createLlm }
        far_llm: { type: Llm, module: ./far.js, factory: createFar }
      steps:
        start: { accepts: StartEvent, emits: Critique, resources: [llm, other_llm, far_llm] }
    `);
    expect(report(spec)).toEqual([
      `duplicate-name@${at(spec, "TestFlowState:")}`,
      `duplicate-name@${at(spec, "CritiqueSchema:")}`,
      `duplicate-name@${at(spec, "Critique:", 2)}`,
      `duplicate-name@${at(spec, "Llm, module: ./far.js")}`,
    ]);
  });
});

describe("references", () => {
  it("suggests declared resources and types", () => {
    const spec = header + yaml(`
      types:
        Critique: { fields: { text: string } }
      events:
        Done: { kind: stop, fields: { critique: map<Critque>, raw: Done } }
      resources:
        llm: { type: Llm, module: ./llm.js, factory: createLlm }
      steps:
        start: { accepts: StartEvent, emits: Done, resources: [lm] }
    `);
    expect(report(spec)).toEqual([
      `unknown-type@${at(spec, "Critque")}`,
      `unknown-type@${at(spec, "Done }")}`,
      `unknown-resource@${at(spec, "lm]")}`,
    ]);
    const messages = analyze(spec).diagnostics.map((d) => d.message);
    expect(messages[0]).toContain("'Critique'");
    expect(messages[2]).toContain("'llm'");
  });

  it("reports malformed type text inside the value", () => {
    const spec = header + yaml(`
      state:
        counts: { type: "map<integer", default: {} }
        flag: boolean??
      steps:
        start: { accepts: StartEvent, emits: StopEvent }
    `);
    // The unclosed map is reported at the end of its text, inside the quotes.
    expect(report(spec)).toEqual([`schema@${shift(at(spec, '"map<integer"'), 12)}`, `schema@${at(spec, "?", 2)}`]);
  });
});

describe("defaults and constraints", () => {
  const withState = (state: string, types = "") =>
    header + (types ? `types:\n${types}\n` : "") + `state:\n${state}\nsteps:\n  start: { accepts: StartEvent, emits: StopEvent }\n`;

  it.each([
    ["  n: { type: integer, default: 1.5 }"],
    ["  n: { type: number, default: '3' }"],
    ["  s: { type: 'string?', default: null }"],
    ["  l: { type: 'string[]', default: [a, 1] }"],
    ["  m: { type: 'map<integer>', default: { a: 1, b: x } }"],
    ["  s: { type: string, minLength: 3, default: ab }"],
    ["  s: { type: string, pattern: '^[a-z]+$', default: ABC }"],
    ["  s: { type: string, enum: [small, large], default: medium }"],
    ["  n: { type: number, minimum: 0, default: -1 }"],
    ["  l: { type: 'integer[]', maxLength: 1, default: [1, 2] }"],
  ])("reports an invalid default at the default: %s", (state) => {
    const spec = withState(state);
    expect(report(spec)).toEqual([`invalid-default@${shift(at(spec, "default: "), 9)}`]);
  });

  it.each([
    ["  n: { type: integer, default: 3 }"],
    ["  u: { type: unknown, default: null }"],
    ["  u: { type: unknown, default: { any: [thing] } }"],
    ["  s: { type: 'string?', default: x }"],
    ["  m: { type: 'map<string[]>', default: { a: [x], b: [] } }"],
    ["  s: { type: string, pattern: '^[a-z]+$', default: abc }"],
  ])("accepts a valid default: %s", (state) => {
    expect(report(withState(state))).toEqual([]);
  });

  it("checks defaults of named object types recursively", () => {
    const types = yaml(`
      |  Score:
      |    fields:
      |      value: { type: integer, maximum: 10 }
      |      note: string?
      |      source: { type: string, default: model }
    `).replace(/^\|/gm, "");
    expect(report(withState("  best: { type: Score, default: { value: 3 } }", types))).toEqual([]);
    for (const value of ["{ value: 11 }", "{ note: x }", "{ value: 1, extra: 2 }", "[1]", "{ value: 1, note: 2 }"]) {
      const spec = withState(`  best: { type: Score, default: ${value} }`, types);
      expect(codes(spec), value).toEqual(["invalid-default"]);
    }
  });

  it("checks enum values against the type, at the offending value", () => {
    const spec = withState("  size: { type: integer, enum: [1, two, 3], maximum: 2, default: 1 }");
    expect(report(spec)).toEqual([`invalid-default@${at(spec, "two")}`, `invalid-default@${at(spec, "3]")}`]);
  });

  it("reports constraints that cannot apply as schema errors at the constraint", () => {
    const spec = withState("  n: { type: integer, minLength: 1, pattern: x, minimum: 5, maximum: 1, default: 5 }");
    expect(report(spec)).toEqual([
      `schema@${at(spec, "1, pattern")}`,
      `schema@${at(spec, "x, minimum")}`,
      `schema@${at(spec, "1, default")}`,
    ]);
  });

  it("reports an invalid regular expression at the pattern, even without the schema stage", () => {
    const source = withState("  s: { type: string, pattern: '([a-z]', default: abc }");
    const found = checkData(source).map((d) => `${d.code}@${d.line}:${d.column}`);
    expect(found).toEqual([`schema@${at(source, "'([a-z]'")}`]);
  });

  it("survives a catastrophically backtracking pattern", () => {
    const spec = withState(`  s: { type: string, pattern: '^(a+)+$', default: ${"a".repeat(40)}b }`);
    const { value, ms } = cpuTimed(() => codes(spec));
    expect(value).toEqual(["invalid-default"]);
    expect(ms).toBeLessThan(2000); // CPU ms
  });

  it("requires a default for state fields that are not optional", () => {
    const spec = withState("  count: integer\n  topic: string?\n  name: { type: string, default: x }");
    expect(report(spec)).toEqual([`state-field-needs-default@${at(spec, "count:")}`]);
  });
});

describe("unused declarations", () => {
  it("warns about unused events, resources and types, with typos counting as uses", () => {
    const spec = header + yaml(`
      types:
        Used: { fields: { x: string } }
        OnlyUsedByItself: { fields: { me: OnlyUsedByItself? } }
      events:
        Done: { kind: stop, fields: { used: Used } }
        Idle: { fields: { x: string } }
      resources:
        llm: { type: Llm, module: ./llm.js, factory: createLlm }
        spare: { type: Llm, module: ./llm.js, factory: createLlm }
      steps:
        start: { accepts: StartEvent, emits: Done, resources: [llm] }
    `);
    expect(report(spec)).toEqual([
      `unused-type@${at(spec, "OnlyUsedByItself:")}`,
      `unused-event@${at(spec, "Idle:")}`,
      `unused-resource@${at(spec, "spare:")}`,
    ]);
    for (const d of analyze(spec).diagnostics) expect(d.severity).toBe("warning");
  });
});

describe("module paths", () => {
  it.each(["/opt/llm.js", "C:\\llm.js", "\\\\server\\llm.js", "file:///opt/llm.js", "https://example.com/llm.js", "data:text/javascript,export default 1", "HTTP://x"])(
    "flags %s",
    (path) => expect(modulePathProblem(path)).toBeDefined(),
  );
  it.each(["./llm.js", "../src/llm.js", "openai", "@scope/pkg/sub.js", "node:fs"])("accepts %s", (path) => {
    expect(modulePathProblem(path)).toBeUndefined();
  });
  it("flags a relative path that leaves the project root (by default, the base of the spec's path)", () => {
    expect(modulePathProblem("../src/llm.js", { specPath: "specs/a.yaml" })).toBeUndefined();
    expect(modulePathProblem("../../llm.js", { specPath: "specs/a.yaml" })).toMatch(/^leaves the project/);
    expect(modulePathProblem("../src/llm.js", { specPath: "specs/a.yaml", projectRoot: "specs" })).toBeDefined();
    expect(modulePathProblem("../../../llm.js", { specPath: "/repo/specs/a.yaml" })).toBeUndefined();
    expect(modulePathProblem("../../../llm.js", { specPath: "/repo/specs/a.yaml", projectRoot: "/repo" })).toBeDefined();
  });
});

describe("performance", () => {
  /** A chain of steps, built as a model directly: the timing is of the checks alone. */
  function bigModel(steps: number, broken = false): SpecModel {
    const span = (line: number) => ({ line, column: 3 });
    const ref = (name: string, line: number) => ({ name, span: span(line) });
    const field: FieldModel = { name: "value", type: { kind: "primitive", name: "integer" }, optional: false, hasDefault: false, constraints: {}, span: span(1), typeSpan: span(1) };
    const events: EventModel[] = Array.from({ length: steps }, (_, i) => ({ name: `E${i}`, kind: "event", fields: [field], builtin: false, span: span(i + 3) }));
    events.push({ name: "StartEvent", kind: "start", fields: [], builtin: true, declared: false, span: span(1) });
    events.push({ name: "StopEvent", kind: "stop", fields: [], builtin: true, declared: false, span: span(1) });
    const stepList: StepModel[] = Array.from({ length: steps }, (_, i) => {
      const line = steps + 4 + i;
      const accepts = i === 0 ? "StartEvent" : broken ? `Missing${i}` : `E${i - 1}`;
      const emits = [ref(`E${i}`, line), ...(i === steps - 1 ? [ref("StopEvent", line)] : [])];
      return { name: `step_${i}`, method: `step${i}`, accepts: [ref(accepts, line)], emits, resources: [], workers: 1, span: span(line) };
    });
    return { version: 1, workflow: "BigFlow", workflowSpan: span(2), types: [], state: [], events, resources: [], steps: stepList, startEvent: "StartEvent" };
  }

  it("checks a 4,000-step spec in well under 300 ms", () => {
    const model = bigModel(4000);
    checkModel(model); // warm up
    const { value: diagnostics, ms } = cpuTimed(() => checkModel(model));
    expect(diagnostics.filter((d) => d.code !== "unconsumed-event")).toEqual([]);
    expect(ms).toBeLessThan(300); // CPU ms (bench:check measures speed; this guards against a quadratic check)
  });

  it("stays fast when thousands of names are unknown", () => {
    const model = bigModel(4000, true);
    const { value: diagnostics, ms } = cpuTimed(() => checkModel(model));
    expect(ms).toBeLessThan(1000); // CPU ms
    expect(diagnostics.filter((d) => d.code === "unknown-event")).toHaveLength(3999);
  });
});
