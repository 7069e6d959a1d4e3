// The reference's example workflows (llamaindex-workflows-seed.md, sections 2–4), each written as a
// spec in specs/ and run end to end through its generated class from generated/, with the steps
// implemented the way the reference implements them and fakes injected through `resources`.

import { describe, expect, expectTypeOf, it } from "vitest";
import {
  Context,
  HumanResponseEvent,
  InputRequiredEvent,
  StartEvent,
  StopEvent,
  WorkflowValidationError,
  type Event,
} from "flowspec/runtime";
import {
  BranchA1Event,
  BranchA2Event,
  BranchB1Event,
  BranchB2Event,
  BranchFlowBase,
  type BranchFlowContext,
  type BranchFlowSteps,
} from "../../generated/branch.js";
import {
  ConcurrentFlowBase,
  StepACompleteEvent,
  StepAEvent,
  StepBCompleteEvent,
  StepBEvent,
  StepCCompleteEvent,
  StepCEvent,
  type ConcurrentFlowContext,
} from "../../generated/concurrent.js";
import {
  AnalysisReady,
  DocumentFlowBase,
  DocumentSubmitted,
  ExtractDataEvent,
  ParseDocEvent,
  type DocumentFlowContext,
  type DocumentFlowSteps,
  type ExtractedRecord,
} from "../../generated/document-processing.js";
import { FanInFanOutBase, FanOutStart, ProcessEvent, ResultEvent, type FanInFanOutContext } from "../../generated/fan-in-fan-out.js";
import { HumanInTheLoopFlowBase, type HumanInTheLoopFlowContext } from "../../generated/human-in-the-loop.js";
import {
  CritiqueReady,
  JokeFlowBase,
  JokeProgress,
  JokeRequested,
  JokeWritten,
  type JokeFlowContext,
  type JokeFlowSteps,
} from "../../generated/joke.js";
import { FirstEvent, LoopEvent, LoopFlowBase, type LoopFlowContext, type LoopFlowSteps } from "../../generated/loop.js";
import { ParallelFlowBase, StepTwoEvent, type ParallelFlowContext } from "../../generated/parallel.js";
import type { Coin } from "../../specs/support/coin.js";
import type { DocumentParser, Extractor } from "../../specs/support/documents.js";
import type { Llm } from "../../specs/support/llm.js";
import { drain, gate, sleep } from "./helpers.js";

/** A coin that lands as scripted (true: heads), then heads forever; counts its flips. */
function scriptedCoin(script: readonly boolean[]): Coin & { flips: number } {
  const coin = {
    flips: 0,
    flip: () => script[coin.flips++] ?? true,
  };
  return coin;
}

// ---------------------------------------------------------------------------------------------
// 2.4 The Workflow: JokeFlow, and its streaming version.

class JokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, ctx: JokeFlowContext<"generateJoke">, { llm }: JokeFlowSteps["generateJoke"]["resources"]) {
    await ctx.store.editState((s) => {
      s.attempts += 1;
    });
    const prompt = `Write your best joke about ${ev.topic}.`;
    return new JokeWritten({ joke: await llm.complete(prompt) });
  }

  async critiqueJoke(ev: JokeWritten, _ctx: JokeFlowContext<"critiqueJoke">, { llm }: JokeFlowSteps["critiqueJoke"]["resources"]) {
    const prompt = `Give a thorough analysis and critique of the following joke: ${ev.joke}`;
    const text = await llm.complete(prompt);
    // The model is asked for prose; its "n/10" verdict, when it gives one, is the score.
    const score = Number(/\b(\d{1,2})\/10\b/.exec(text)?.[1] ?? 0);
    return new CritiqueReady({ joke: ev.joke, critique: { text, score: Math.min(score, 10) } });
  }
}

/** The reference's second JokeFlow: the same steps, reporting progress on the event stream. */
class StreamingJokeFlow extends JokeFlow {
  override async generateJoke(ev: JokeRequested, ctx: JokeFlowContext<"generateJoke">, resources: JokeFlowSteps["generateJoke"]["resources"]) {
    ctx.writeEventToStream(new JokeProgress({ message: `Writing a joke about ${ev.topic}` }));
    const written = await super.generateJoke(ev, ctx, resources);
    ctx.writeEventToStream(new JokeProgress({ message: `Produced joke: ${written.joke}` }));
    return written;
  }

  override async critiqueJoke(ev: JokeWritten, ctx: JokeFlowContext<"critiqueJoke">, resources: JokeFlowSteps["critiqueJoke"]["resources"]) {
    ctx.writeEventToStream(new JokeProgress({ message: "Critiquing the joke" }));
    return super.critiqueJoke(ev, ctx, resources);
  }
}

const JOKE = "Why did the pirate go to school? To improve his arrrticulation.";
const CRITIQUE = "A solid pun on the pirate's 'arrr'. 7/10";

function fakeLlm(): { llm: Llm; prompts: string[]; made: { count: number } } {
  const prompts: string[] = [];
  const made = { count: 0 };
  const llm: Llm = {
    complete: async (prompt) => {
      prompts.push(prompt);
      await sleep(1);
      return prompt.startsWith("Write") ? JOKE : CRITIQUE;
    },
  };
  return { llm, prompts, made };
}

describe("JokeFlow (fake LLM resource)", () => {
  it("runs both steps with the injected LLM, keeps state and makes the cached resource once per run", async () => {
    const fake = fakeLlm();
    const flow = new JokeFlow({ resources: { llm: () => (fake.made.count++, fake.llm) } });
    const handler = flow.run({ topic: "pirates" });
    const streamed = await drain(handler.streamEvents());
    const result = await handler;
    expectTypeOf(result).toEqualTypeOf<CritiqueReady>();
    expect(result).toBeInstanceOf(CritiqueReady);
    expect(result.joke).toBe(JOKE);
    expect(result.critique).toEqual({ text: CRITIQUE, score: 7 });
    expect(fake.prompts).toEqual([
      "Write your best joke about pirates.",
      `Give a thorough analysis and critique of the following joke: ${JOKE}`,
    ]);
    // Nothing written to the stream: only the stop event, which is the result.
    expect(streamed).toEqual([result]);
    expect(streamed.at(-1)).toBe(result);
    expect(handler.ctx.store.getState()).toEqual({ attempts: 1 });
    expect(fake.made.count).toBe(1);
    await flow.run({ topic: "ninjas" });
    expect(fake.made.count).toBe(2);
  });

  it("streams JokeProgress while it runs (the reference's stream_events version)", async () => {
    const fake = fakeLlm();
    const handler = new StreamingJokeFlow({ resources: { llm: () => fake.llm } }).run({ topic: "pirates" });
    const produced: string[] = [];
    const streamed: Event[] = [];
    for await (const ev of handler.streamEvents()) {
      streamed.push(ev);
      if (ev instanceof JokeProgress && ev.message.startsWith("Produced joke: ")) produced.push(ev.message.slice(15));
    }
    const result = await handler;
    expect(produced).toEqual([JOKE]);
    expect(streamed.map((e) => e.constructor.name)).toEqual(["JokeProgress", "JokeProgress", "JokeProgress", "CritiqueReady"]);
    expect(streamed.slice(0, 3).map((e) => (e as JokeProgress).message)).toEqual([
      "Writing a joke about pirates",
      `Produced joke: ${JOKE}`,
      "Critiquing the joke",
    ]);
    expect(streamed.at(-1)).toBe(result);
    expect(result.critique.score).toBe(7);
    expect(fake.prompts).toHaveLength(2);
  });

  it("uses the spec's default factory (specs/support/llm.ts) when not overridden", async () => {
    const result = await new JokeFlow().run({ topic: "cats" });
    expect(result.joke).toBe("echo: Write your best joke about cats.");
    expect(result.critique).toEqual({
      text: "echo: Give a thorough analysis and critique of the following joke: echo: Write your best joke about cats.",
      score: 0,
    });
  });

  it("validates the start event against the spec (topic has minLength 1)", async () => {
    const error = await new JokeFlow().run({ topic: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect(error).toMatchObject({ target: "JokeRequested", field: "topic" });
  });

  it("reuses a context across runs: store and state persist", async () => {
    const fake = fakeLlm();
    const flow = new JokeFlow({ resources: { llm: () => fake.llm } });
    const ctx = new Context(flow);
    ctx.store.set("runs", 0);
    for (const topic of ["a", "b", "c"]) {
      const handler = flow.run({ topic }, { ctx });
      expect(handler.ctx).toBe(ctx);
      ctx.store.set("runs", ctx.store.get<number>("runs") + 1);
      await handler;
    }
    expect(ctx.store.get("runs")).toBe(3);
    expect(ctx.store.getState()).toEqual({ attempts: 3 });
    expect(ctx.status).toBe("completed");
    expect(fake.prompts.filter((p) => p.startsWith("Write"))).toEqual([
      "Write your best joke about a.",
      "Write your best joke about b.",
      "Write your best joke about c.",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2.2.c Emitting events: ParallelFlow sends with ctx.sendEvent instead of returning.

class ParallelFlow extends ParallelFlowBase {
  readonly aborted: string[] = [];
  readonly ran: string[] = [];
  /** Each query's "slow" delay in ms (the reference sleeps a random 1–5 s). */
  constructor(private readonly delays: Record<string, number>) {
    super();
  }
  async start(_ev: StartEvent, ctx: ParallelFlowContext<"start">) {
    for (const query of Object.keys(this.delays)) ctx.sendEvent(new StepTwoEvent({ query }));
  }
  async stepTwo(ev: StepTwoEvent, ctx: ParallelFlowContext<"stepTwo">) {
    this.ran.push(ev.query);
    try {
      await sleep(this.delays[ev.query]!, ctx.signal);
    } catch {
      this.aborted.push(ev.query);
      return;
    }
    return new StopEvent({ result: ev.query });
  }
}

describe("ParallelFlow", () => {
  it("delivers the event the start step sent to step_two, whose stop event ends the run", async () => {
    const flow = new ParallelFlow({ "Query 1": 5 });
    expect(await flow.run()).toBe("Query 1");
    expect(flow.ran).toEqual(["Query 1"]);
    expect(flow.aborted).toEqual([]);
  });

  it("runs workers concurrently; the first stop event wins and aborts the others", async () => {
    const flow = new ParallelFlow({ slow: 200, fast: 5, medium: 100 });
    expect(await flow.run()).toBe("fast"); // run one at a time, "slow" (sent first) would have stopped the run
    expect([...flow.ran].sort()).toEqual(["fast", "medium", "slow"]);
    await sleep(5);
    expect(flow.aborted.sort()).toEqual(["medium", "slow"]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2.2.c Collecting events: ConcurrentFlow joins three results in the order C, A, B.

class ConcurrentFlow extends ConcurrentFlowBase {
  readonly received: string[] = [];
  collected: string[] = [];
  private readonly arrived = { A: gate(), B: gate(), C: gate() };

  /** The steps finish in `order`: each waits until step_three received the previous one's result. */
  constructor(private readonly order: readonly ("A" | "B" | "C")[] = ["B", "A", "C"]) {
    super();
  }
  private async turn(letter: "A" | "B" | "C"): Promise<void> {
    const before = this.order[this.order.indexOf(letter) - 1];
    if (before !== undefined) await this.arrived[before].promise;
  }

  async start(_ev: StartEvent, ctx: ConcurrentFlowContext<"start">) {
    ctx.sendEvent(new StepAEvent({ query: "Query 1" }));
    ctx.sendEvent(new StepBEvent({ query: "Query 2" }));
    ctx.sendEvent(new StepCEvent({ query: "Query 3" }));
  }
  async stepA(ev: StepAEvent) {
    await this.turn("A");
    return new StepACompleteEvent({ result: ev.query });
  }
  async stepB(ev: StepBEvent) {
    await this.turn("B");
    return new StepBCompleteEvent({ result: ev.query });
  }
  async stepC(ev: StepCEvent) {
    await this.turn("C");
    return new StepCCompleteEvent({ result: ev.query });
  }
  async stepThree(ev: StepACompleteEvent | StepBCompleteEvent | StepCCompleteEvent, ctx: ConcurrentFlowContext<"stepThree">) {
    this.received.push(ev.result);
    const letter = ev instanceof StepACompleteEvent ? "A" : ev instanceof StepBCompleteEvent ? "B" : "C";
    const events = ctx.collectEvents(ev, [StepCCompleteEvent, StepACompleteEvent, StepBCompleteEvent]);
    this.arrived[letter].open();
    if (events === null) return;
    expectTypeOf(events).toEqualTypeOf<readonly [StepCCompleteEvent, StepACompleteEvent, StepBCompleteEvent]>();
    const [c, a, b] = events;
    this.collected = [c.result, a.result, b.result];
    return new StopEvent({ result: "Done" });
  }
}

describe("ConcurrentFlow", () => {
  it("joins three branches with collectEvents in the requested order", async () => {
    const flow = new ConcurrentFlow();
    expect(await flow.run()).toBe("Done");
    expect(flow.received).toEqual(["Query 2", "Query 1", "Query 3"]);
    expect(flow.collected).toEqual(["Query 3", "Query 1", "Query 2"]);
  });

  it("returns C, A, B whatever order the results arrive in", async () => {
    for (const order of [["A", "B", "C"], ["C", "A", "B"], ["C", "B", "A"]] as const) {
      const flow = new ConcurrentFlow(order);
      expect(await flow.run()).toBe("Done");
      expect(flow.received).toEqual(order.map((l) => ({ A: "Query 1", B: "Query 2", C: "Query 3" })[l]));
      expect(flow.collected).toEqual(["Query 3", "Query 1", "Query 2"]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 3.1 Human in the loop.

class HumanInTheLoopFlow extends HumanInTheLoopFlowBase {
  async step1(_ev: StartEvent, ctx: HumanInTheLoopFlowContext<"step1">) {
    ctx.store.set("questions", ctx.store.get<number>("questions", 0) + 1);
    return new InputRequiredEvent({ prefix: "Enter a number: " });
  }
  async step2(ev: HumanResponseEvent) {
    return new StopEvent({ result: ev.response });
  }
}

/** Reads the handler's stream up to the input request and stops reading there (returns its prefix). */
async function untilInputRequired(stream: AsyncIterable<Event>): Promise<string> {
  for await (const ev of stream) if (ev instanceof InputRequiredEvent) return ev.prefix;
  throw new Error("the stream ended without an input request");
}

describe("human in the loop", () => {
  it("answers an input request live from the stream", async () => {
    const handler = new HumanInTheLoopFlow().run();
    const seen: Event[] = [];
    for await (const ev of handler.streamEvents()) {
      seen.push(ev);
      if (ev instanceof InputRequiredEvent) handler.ctx.sendEvent(new HumanResponseEvent({ response: "42" }));
    }
    expect(await handler).toBe("42");
    expect(seen.map((e) => e.constructor.name)).toEqual(["InputRequiredEvent", "StopEvent"]);
    expect(seen[0]).toBeInstanceOf(InputRequiredEvent);
    expect((seen[0] as InputRequiredEvent).prefix).toBe("Enter a number: ");
    expect(seen.at(-1)).toBeInstanceOf(StopEvent);
    expect((seen.at(-1) as StopEvent).result).toBe("42");
    expect(handler.ctx.store.get("questions")).toBe(1);
  });

  it("breaks out of the stream at the request, answers later in the same process and gets the result", async () => {
    const handler = new HumanInTheLoopFlow().run();
    expect(await untilInputRequired(handler.streamEvents())).toBe("Enter a number: ");
    await sleep(5);
    expect(handler.done).toBe(false);
    handler.ctx.sendEvent(new HumanResponseEvent({ response: "later" }));
    expect(await handler).toBe("later");
  });

  it("pauses, serializes to JSON text, restores on a new instance and resumes", async () => {
    const handler = new HumanInTheLoopFlow().run();
    const prefix = await untilInputRequired(handler.streamEvents());
    expect(prefix).toBe("Enter a number: ");
    const text = JSON.stringify(handler.ctx.toJSON());
    expect(typeof text).toBe("string");
    handler.cancel(); // the original process goes away
    await expect(handler).rejects.toThrow("cancelled");

    const flow = new HumanInTheLoopFlow();
    const ctx = Context.fromJSON(flow, JSON.parse(text));
    expect(ctx.status).toBe("paused");
    const resumed = flow.run(undefined, { ctx });
    expect(resumed.ctx).toBe(ctx);
    resumed.ctx.sendEvent(new HumanResponseEvent({ response: "7" }));
    expect(await resumed).toBe("7");
    expect(resumed.runId).toBe(handler.runId);
    expect(ctx.store.get("questions")).toBe(1); // step1 did not run again
    expect(ctx.status).toBe("completed");
  });

  it("accepts the response sent into a restored context before the run resumes", async () => {
    const handler = new HumanInTheLoopFlow().run();
    await untilInputRequired(handler.streamEvents());
    const saved = handler.ctx.toJSON();
    handler.cancel();
    await handler.catch(() => undefined);
    const flow = new HumanInTheLoopFlow();
    const ctx = Context.fromJSON(flow, saved);
    ctx.sendEvent(new HumanResponseEvent({ response: "early" }));
    expect(await flow.run(undefined, { ctx })).toBe("early");
  });

  it("resumes a cancelled run's context in place", async () => {
    const flow = new HumanInTheLoopFlow();
    const handler = flow.run();
    await untilInputRequired(handler.streamEvents());
    handler.cancel();
    await handler.catch(() => undefined);
    expect(handler.ctx.status).toBe("cancelled");
    const resumed = flow.run(undefined, { ctx: handler.ctx });
    resumed.ctx.sendEvent(new HumanResponseEvent({ response: "again" }));
    expect(await resumed).toBe("again");
  });
});

// ---------------------------------------------------------------------------------------------
// 3.2.a Loops: step_one returns LoopEvent to itself until the coin comes up heads.

class LoopFlow extends LoopFlowBase {
  async stepOne(ev: StartEvent | LoopEvent, ctx: LoopFlowContext<"stepOne">, { coin }: LoopFlowSteps["stepOne"]["resources"]) {
    if (!coin.flip()) {
      // "Bad thing happened"
      await ctx.store.editState((s) => {
        s.loops += 1;
      });
      const loop = new LoopEvent({ loop_output: "Back to step one." });
      ctx.writeEventToStream(loop);
      return loop;
    }
    // "Good thing happened"
    return new FirstEvent({ first_output: "First step complete." });
  }
  async stepTwo(ev: FirstEvent) {
    return new StopEvent({ result: ev.first_output });
  }
}

describe("loop", () => {
  it("loops a step on its own event until the (fake) coin says done", async () => {
    const coin = scriptedCoin(Array<boolean>(25).fill(false));
    let made = 0;
    const handler = new LoopFlow({ resources: { coin: () => (made++, coin) } }).run();
    const streamed = await drain(handler.streamEvents());
    expect(await handler).toBe("First step complete.");
    expect(coin.flips).toBe(26);
    expect(handler.ctx.store.getState()).toEqual({ loops: 25 });
    expect(streamed.filter((e) => e instanceof LoopEvent)).toHaveLength(25);
    expect(streamed.filter((e) => e instanceof LoopEvent).every((e) => (e as LoopEvent).loop_output === "Back to step one.")).toBe(true);
    expect(made).toBe(1);
  });

  it("goes straight to step two when the first flip is good", async () => {
    const coin = scriptedCoin([true]);
    const handler = new LoopFlow({ resources: { coin: () => coin } }).run();
    expect(await handler).toBe("First step complete.");
    expect(coin.flips).toBe(1);
    expect(handler.ctx.store.getState()).toEqual({ loops: 0 });
  });

  it("terminates with the spec's default (random) coin", async () => {
    const handler = new LoopFlow().run();
    expect(await handler).toBe("First step complete.");
    expect(handler.ctx.store.getState().loops).toBeGreaterThanOrEqual(0);
  });
});

// ---------------------------------------------------------------------------------------------
// 3.2.b Branches: the start step picks branch A or branch B.

class BranchFlow extends BranchFlowBase {
  readonly visited: string[] = [];
  async start(_ev: StartEvent, ctx: BranchFlowContext<"start">, { coin }: BranchFlowSteps["start"]["resources"]) {
    this.visited.push(ctx.stepName);
    return coin.flip() ? new BranchA1Event({ payload: "Branch A" }) : new BranchB1Event({ payload: "Branch B" });
  }
  async stepA1(ev: BranchA1Event, ctx: BranchFlowContext<"stepA1">) {
    this.visited.push(ctx.stepName);
    return new BranchA2Event({ payload: ev.payload });
  }
  async stepB1(ev: BranchB1Event, ctx: BranchFlowContext<"stepB1">) {
    this.visited.push(ctx.stepName);
    return new BranchB2Event({ payload: ev.payload });
  }
  async stepA2(ev: BranchA2Event, ctx: BranchFlowContext<"stepA2">) {
    this.visited.push(ctx.stepName);
    return new StopEvent({ result: `${ev.payload} complete.` });
  }
  async stepB2(ev: BranchB2Event, ctx: BranchFlowContext<"stepB2">) {
    this.visited.push(ctx.stepName);
    return new StopEvent({ result: `${ev.payload} complete.` });
  }
}

describe("branch", () => {
  it("takes the branch the coin selects, both ways, on one workflow instance", async () => {
    const coin = scriptedCoin([true, false]);
    const flow = new BranchFlow({ resources: { coin: () => coin } });
    expect(await flow.run()).toBe("Branch A complete.");
    expect(flow.visited.splice(0)).toEqual(["start", "step_a1", "step_a2"]);
    expect(await flow.run()).toBe("Branch B complete.");
    expect(flow.visited.splice(0)).toEqual(["start", "step_b1", "step_b2"]);
    expect(coin.flips).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------
// 3.3 Fan in / fan out: the store says how many ResultEvents to collect.

class FanInFanOut extends FanInFanOutBase {
  active = 0;
  maxActive = 0;
  finalizeCalls = 0;
  async initRun(ev: FanOutStart, ctx: FanInFanOutContext<"initRun">) {
    ctx.store.set("num_to_collect", ev.items.length);
    for (const item of ev.items) ctx.sendEvent(new ProcessEvent({ item }));
  }
  async process(ev: ProcessEvent) {
    this.maxActive = Math.max(this.maxActive, ++this.active);
    await sleep(Math.random() * 5);
    this.active--;
    return new ResultEvent({ item: ev.item, length: ev.item.length });
  }
  async finalize(ev: ResultEvent, ctx: FanInFanOutContext<"finalize">) {
    this.finalizeCalls++;
    const numToCollect = ctx.store.get<number>("num_to_collect");
    const events = ctx.collectEvents(ev, Array<typeof ResultEvent>(numToCollect).fill(ResultEvent));
    if (events === null) return; // not enough collected yet
    expectTypeOf(events).toEqualTypeOf<ResultEvent[]>();
    return new StopEvent({ result: events });
  }
}

describe("fan-out / fan-in", () => {
  it("collects as many results as the store says were sent", async () => {
    const items = Array.from({ length: 30 }, (_, i) => `item-${i}`);
    const flow = new FanInFanOut();
    const handler = flow.run({ items });
    const result = (await handler) as ResultEvent[];
    expect(result).toHaveLength(30);
    expect(result.every((e) => e instanceof ResultEvent)).toBe(true);
    expect(result.map((e) => e.item).sort()).toEqual([...items].sort());
    expect(result.every((e) => e.length === e.item.length)).toBe(true);
    expect(result.reduce((sum, e) => sum + e.length, 0)).toBe(items.join("").length);
    expect(handler.ctx.store.get("num_to_collect")).toBe(30);
    expect(flow.finalizeCalls).toBe(30); // triggered by every ResultEvent, done on the last
    expect(flow.maxActive).toBe(4); // the spec's `workers: 4`
  });

  it("serializes the run's result events as plain data", async () => {
    const handler = new FanInFanOut().run({ items: ["a", "bb"] });
    const result = (await handler) as ResultEvent[];
    expect(JSON.parse(JSON.stringify(result)).sort((x: { item: string }, y: { item: string }) => x.item.localeCompare(y.item))).toEqual([
      { item: "a", length: 1 },
      { item: "bb", length: 2 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. The LlamaCloud document-processing template: parse → extract → analyze.

class DocumentFlow extends DocumentFlowBase {
  async parseDocument(ev: DocumentSubmitted, ctx: DocumentFlowContext<"parseDocument">, { parser }: DocumentFlowSteps["parseDocument"]["resources"]) {
    // The reference keeps output_file on the workflow; here it travels with the run, in the store.
    ctx.store.set("output_file", ev.output_file);
    return new ParseDocEvent({ nodes: await parser.parse(ev.file_path) });
  }
  async extractData(ev: ParseDocEvent, _ctx: DocumentFlowContext<"extractData">, { extractor }: DocumentFlowSteps["extractData"]["resources"]) {
    // Pattern 1 (no splitting): extract from the whole document; a list either way.
    const combinedText = ev.nodes.map((node) => node.text).join("\n");
    return new ExtractDataEvent({ data_list: await extractor.extract(combinedText) });
  }
  async analyzeResults(ev: ExtractDataEvent, ctx: DocumentFlowContext<"analyzeResults">) {
    return new AnalysisReady({
      analysis: { records: ev.data_list, count: ev.data_list.length, output_file: ctx.store.get<string>("output_file") },
    });
  }
}

describe("document processing", () => {
  it("parses (retrying a failed parse), extracts and analyzes with typed results", async () => {
    let parsersMade = 0;
    let extractorsMade = 0;
    let parseCalls = 0;
    const extracted: string[] = [];
    const parser: DocumentParser = {
      parse: async (filePath) => {
        if (++parseCalls === 1) throw new Error("parsing service hiccup");
        return [
          { text: `Invoice ${filePath}`, page: 1 },
          { text: "ACME 12.5", page: 1 },
          { text: "Globex", page: 2 },
        ];
      },
    };
    const extractor: Extractor = {
      extract: async (text) => {
        extracted.push(text);
        return text
          .split("\n")
          .slice(1)
          .map((line) => {
            const [name, amount] = line.split(" ");
            return amount === undefined ? { field1: name! } : { field1: name!, field2: Number(amount) };
          });
      },
    };
    const flow = new DocumentFlow({
      resources: {
        parser: () => (parsersMade++, parser),
        extractor: async () => (extractorsMade++, extractor),
      },
    });
    const handler = flow.run({ file_path: "q3.pdf" });
    const result: AnalysisReady = await handler;
    expect(result).toBeInstanceOf(AnalysisReady);
    const records: readonly ExtractedRecord[] = result.analysis.records;
    expect(records).toEqual([{ field1: "ACME", field2: 12.5 }, { field1: "Globex" }]);
    expect(result.analysis.count).toBe(2);
    expect(result.analysis.output_file).toBe("results.csv"); // the start event's default
    expect(extracted).toEqual(["Invoice q3.pdf\nACME 12.5\nGlobex"]);
    expect(parseCalls).toBe(2); // parse_document's retry policy
    expect(parsersMade).toBe(1); // cached for the run, across the retry
    expect(extractorsMade).toBe(1);
    expect(handler.ctx.store.get("output_file")).toBe("results.csv");
  });

  it("uses the spec's default parser and extractor and carries output_file to the analysis", async () => {
    const result = await new DocumentFlow().run({ file_path: "report.pdf", output_file: "out.csv" });
    expect(result.analysis).toEqual({ records: [{ field1: "contents of report.pdf" }], count: 1, output_file: "out.csv" });
  });

  it("validates the start event against the spec (file_path has minLength 1)", async () => {
    const empty = await new DocumentFlow().run({ file_path: "" }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(WorkflowValidationError);
    expect(empty).toMatchObject({ target: "DocumentSubmitted", field: "file_path" });
  });
});
