import { describe, expect, it } from "vitest";
import { buildModel, toMethodName } from "../../compiler/build-model.js";
import { loadYaml } from "../../compiler/load.js";

function build(source: string) {
  const { data, locator } = loadYaml(source);
  return buildModel(data, locator, "spec.yaml");
}

const joke = `flowspec: 1
workflow: JokeFlow
description: Jokes.
timeout: 60
types:
  Critique:
    fields:
      text: string
      score: { type: integer, minimum: 0, maximum: 10, description: How funny. }
state:
  attempts: { type: integer, default: 0 }
  topic: "string?"
events:
  JokeRequested:
    kind: start
    fields: { topic: string }
  JokeWritten:
    fields: { joke: string }
resources:
  llm: { type: Llm, module: ./llm.js, factory: createLlm }
  fresh: { type: Llm, module: ./llm.js, factory: createLlm, cache: false }
steps:
  generate_joke:
    accepts: JokeRequested
    emits: [JokeWritten, InputRequiredEvent]
    resources: [llm]
    retry: { attempts: 3 }
  critique_joke:
    accepts: [JokeWritten, HumanResponseEvent]
    emits: StopEvent
    workers: 4
    retry: { attempts: 2, delay: 0.5, backoff: 2 }
    timeout: null
  log_it:
    accepts: JokeWritten
`;

describe("buildModel", () => {
  const { model, diagnostics } = build(joke);

  it("builds without diagnostics", () => {
    expect(diagnostics).toEqual([]);
    expect(model).toMatchObject({ path: "spec.yaml", version: 1, workflow: "JokeFlow", workflowSpan: { line: 2, column: 11 }, description: "Jokes.", timeout: 60 });
  });

  it("reads short and long fields with their spans", () => {
    const [text, score] = model.types[0]!.fields;
    expect(text).toMatchObject({ name: "text", type: { kind: "primitive", name: "string" }, optional: false, hasDefault: false, constraints: {}, span: { line: 8, column: 7 } });
    expect(score).toMatchObject({ constraints: { minimum: 0, maximum: 10 }, description: "How funny.", constraintSpans: { minimum: { line: 9 }, maximum: { line: 9 } } });
    expect(model.state[0]).toMatchObject({ name: "attempts", hasDefault: true, default: 0, defaultSpan: { line: 11 } });
    expect(model.state[1]).toMatchObject({ name: "topic", optional: true, hasDefault: false });
    expect(model.state[1]).not.toHaveProperty("default");
  });

  it("applies the defaults of steps and resources", () => {
    const [generate, critique, log] = model.steps;
    expect(generate).toMatchObject({ name: "generate_joke", method: "generateJoke", workers: 4, retry: { attempts: 3, delay: 0, backoff: 1 }, span: { line: 23, column: 3 } });
    expect(critique).toMatchObject({ method: "critiqueJoke", workers: 4, retry: { attempts: 2, delay: 0.5, backoff: 2 }, timeout: null });
    expect(log).toMatchObject({ method: "logIt", emits: [], resources: [] });
    expect(log).not.toHaveProperty("retry");
    expect(model.resources.map((r) => r.cache)).toEqual([true, false]);
    expect(model.resources[0]).toMatchObject({ type: "Llm", module: "./llm.js", factory: "createLlm", moduleSpan: { line: 20 } });
  });

  it("points each reference at the name in its list", () => {
    expect(model.steps[0]!.accepts).toEqual([{ name: "JokeRequested", span: expect.objectContaining({ line: 24, column: 14 }) }]);
    expect(model.steps[0]!.emits.map((ref) => [ref.name, ref.span.line, ref.span.column])).toEqual([["JokeWritten", 25, 13], ["InputRequiredEvent", 25, 26]]);
  });

  it("adds the built-ins the steps use after the declared events, at their first mention", () => {
    expect(model.events.map((event) => [event.name, event.kind, event.builtin])).toEqual([
      ["JokeRequested", "start", false],
      ["JokeWritten", "event", false],
      ["StopEvent", "stop", true],
      ["InputRequiredEvent", "input_required", true],
      ["HumanResponseEvent", "human_response", true],
    ]);
    const stop = model.events.find((event) => event.name === "StopEvent")!;
    expect(stop).toMatchObject({ declared: false, span: { line: 30, column: 12 }, fields: [{ name: "result", type: { kind: "primitive", name: "unknown" } }] });
    expect(model.events.find((event) => event.name === "InputRequiredEvent")!.span).toMatchObject({ line: 25, column: 26 });
  });

  it("takes the declared start event, else StartEvent", () => {
    expect(model.startEvent).toBe("JokeRequested");
    const plain = build("flowspec: 1\nworkflow: A\nsteps:\n  s: { accepts: StartEvent, emits: StopEvent }\n").model;
    expect(plain.startEvent).toBe("StartEvent");
    expect(plain.events.map((event) => event.name)).toEqual(["StartEvent", "StopEvent"]);
  });

  it("keeps a redeclared built-in as a built-in with its own fields", () => {
    const { model: redeclared } = build("flowspec: 1\nworkflow: A\nevents:\n  StopEvent: { description: Done. }\nsteps:\n  s: { accepts: StartEvent, emits: StopEvent }\n");
    expect(redeclared.events[0]).toMatchObject({ name: "StopEvent", kind: "stop", builtin: true, declared: true, description: "Done.", fields: [{ name: "result" }] });
    expect(redeclared.events.filter((event) => event.name === "StopEvent")).toHaveLength(1);
  });

  it("reports malformed type text at the character, and treats the field as unknown", () => {
    const { model: broken, diagnostics: found } = build('flowspec: 1\nworkflow: A\nstate:\n  a: "map<string"\n  b: { type: integer??, default: 1, minimum: 3 }\nsteps: {}\n');
    expect(found.map((d) => [d.code, d.line, d.column])).toEqual([["schema", 4, 17], ["schema", 5, 22]]);
    expect(broken.state[1]).toMatchObject({ type: { kind: "primitive", name: "unknown" }, optional: true, constraints: {} });
  });

  it("camelCases step names", () => {
    expect(["generate_joke", "generateJoke", "step_2", "a_b_c", "x"].map(toMethodName)).toEqual(["generateJoke", "generateJoke", "step2", "aBC", "x"]);
  });
});
