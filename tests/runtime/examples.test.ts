// The reference's example workflows, in the generated shape, run end to end.

import { describe, expect, it } from "vitest";
import { Context, HumanResponseEvent, InputRequiredEvent, StartEvent, StopEvent, type Event, type StepContext } from "flowspec/runtime";
import { BranchA1Event, BranchA2Event, BranchB1Event, BranchB2Event, BranchFlowBase, type BranchStart } from "./fixtures/branch.js";
import {
  ConcurrentFlowBase,
  StepACompleteEvent,
  StepAEvent,
  StepBCompleteEvent,
  StepBEvent,
  StepCCompleteEvent,
  StepCEvent,
} from "./fixtures/concurrent.js";
import { AnalysisReady, DocumentFlowBase, ExtractDataEvent, ParseDocEvent, type DocumentFlowState, type DocumentSubmitted } from "./fixtures/document.js";
import { FanDone, FanFlowBase, ProcessEvent, ResultEvent, type FanStart } from "./fixtures/fan.js";
import { HumanInTheLoopFlowBase, type HumanInTheLoopFlowState } from "./fixtures/hitl.js";
import { CritiqueReady, JokeFlowBase, JokeWritten, type JokeFlowState, type JokeRequested } from "./fixtures/joke.js";
import { LoopDone, LoopEvent, LoopFlowBase, type LoopStart } from "./fixtures/loop.js";
import { ParallelFlowBase, StepTwoEvent } from "./fixtures/parallel.js";
import type { Extractor, Parser } from "./fixtures/support/documents.js";
import type { Llm } from "./fixtures/support/llm.js";
import { drain, sleep } from "./helpers.js";

class JokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>, { llm }: { llm: Llm }) {
    await ctx.store.editState((s) => {
      s.attempts += 1;
      s.topic = ev.topic;
    });
    ctx.writeEventToStream(new JokeWritten({ joke: "(drafting)" }));
    return new JokeWritten({ joke: await llm.complete(`Write a joke about ${ev.topic}`) });
  }
  async critiqueJoke(ev: JokeWritten, _ctx: StepContext<JokeFlowState, CritiqueReady>, { llm }: { llm: Llm }) {
    return new CritiqueReady({ critique: { text: await llm.complete(`Critique: ${ev.joke}`), score: 7 } });
  }
}

function fakeLlm(): { llm: Llm; prompts: string[]; made: { count: number } } {
  const prompts: string[] = [];
  const made = { count: 0 };
  const llm: Llm = {
    complete: async (prompt) => {
      prompts.push(prompt);
      await sleep(1);
      return prompt.startsWith("Write") ? "Why did the pirate…" : "Solid pun.";
    },
  };
  return { llm, prompts, made };
}

describe("JokeFlow (fake LLM resource)", () => {
  it("runs both steps, streams, keeps state and makes the cached resource once per run", async () => {
    const fake = fakeLlm();
    const flow = new JokeFlow({ resources: { llm: () => (fake.made.count++, fake.llm) } });
    const handler = flow.run({ topic: "pirates" });
    const streamed = await drain(handler.streamEvents());
    const result = await handler;
    expect(result).toBeInstanceOf(CritiqueReady);
    expect(result.critique).toEqual({ text: "Solid pun.", score: 7 });
    expect(fake.prompts).toEqual(["Write a joke about pirates", "Critique: Why did the pirate…"]);
    expect(streamed.map((e) => e.constructor.name)).toEqual(["JokeWritten", "CritiqueReady"]);
    expect(streamed.at(-1)).toBe(result);
    expect(handler.ctx.store.getState()).toEqual({ attempts: 1, topic: "pirates" });
    expect(fake.made.count).toBe(1);
    await flow.run({ topic: "ninjas" });
    expect(fake.made.count).toBe(2);
  });

  it("uses the definition's factory when not overridden", async () => {
    const result = await new JokeFlow().run({ topic: "cats" });
    expect(result.critique.text).toBe("echo: Critique: echo: Write a joke about cats");
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
    expect(ctx.store.getState()).toEqual({ attempts: 3, topic: "c" });
    expect(ctx.status).toBe("completed");
  });
});

class ParallelFlow extends ParallelFlowBase {
  readonly aborted: string[] = [];
  constructor(private readonly delays: Record<string, number>) {
    super();
  }
  async start(_ev: StartEvent, ctx: StepContext<Record<string, never>, StepTwoEvent>) {
    for (const query of Object.keys(this.delays)) ctx.sendEvent(new StepTwoEvent({ query }));
  }
  async stepTwo(ev: StepTwoEvent, ctx: StepContext<Record<string, never>, StopEvent>) {
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
  it("runs workers concurrently; the first stop event wins and aborts the others", async () => {
    const flow = new ParallelFlow({ slow: 200, fast: 5, medium: 100 });
    const started = Date.now();
    expect(await flow.run()).toBe("fast");
    expect(Date.now() - started).toBeLessThan(150);
    await sleep(5);
    expect(flow.aborted.sort()).toEqual(["medium", "slow"]);
  });
});

export class ConcurrentFlow extends ConcurrentFlowBase {
  collected: string[] = [];
  constructor(private readonly delays: { a: number; b: number; c: number } = { a: 3, b: 1, c: 2 }) {
    super();
  }
  async start(_ev: StartEvent, ctx: StepContext<Record<string, never>, StepAEvent | StepBEvent | StepCEvent>) {
    ctx.sendEvent(new StepAEvent({ query: "Query 1" }));
    ctx.sendEvent(new StepBEvent({ query: "Query 2" }));
    ctx.sendEvent(new StepCEvent({ query: "Query 3" }));
  }
  async stepA(ev: StepAEvent) {
    await sleep(this.delays.a);
    return new StepACompleteEvent({ result: `A:${ev.query}` });
  }
  async stepB(ev: StepBEvent) {
    await sleep(this.delays.b);
    return new StepBCompleteEvent({ result: `B:${ev.query}` });
  }
  async stepC(ev: StepCEvent) {
    await sleep(this.delays.c);
    return new StepCCompleteEvent({ result: `C:${ev.query}` });
  }
  async stepThree(ev: StepACompleteEvent | StepBCompleteEvent | StepCCompleteEvent, ctx: StepContext<Record<string, never>, StopEvent>) {
    const events = ctx.collectEvents(ev, [StepCCompleteEvent, StepACompleteEvent, StepBCompleteEvent]);
    if (events === null) return;
    const [c, a, b] = events;
    this.collected = [c.result, a.result, b.result];
    return new StopEvent({ result: "Done" });
  }
}

describe("ConcurrentFlow", () => {
  it("joins three branches with collectEvents in the requested order", async () => {
    const flow = new ConcurrentFlow();
    expect(await flow.run()).toBe("Done");
    expect(flow.collected).toEqual(["C:Query 3", "A:Query 1", "B:Query 2"]);
  });
});

class HumanInTheLoopFlow extends HumanInTheLoopFlowBase {
  async step1(_ev: StartEvent, ctx: StepContext<HumanInTheLoopFlowState, InputRequiredEvent>) {
    await ctx.store.editState((s) => {
      s.questions += 1;
    });
    return new InputRequiredEvent({ prefix: "Enter a number: " });
  }
  async step2(ev: HumanResponseEvent) {
    return new StopEvent({ result: `got ${ev.response}` });
  }
}

describe("human in the loop", () => {
  it("answers an input request live from the stream", async () => {
    const handler = new HumanInTheLoopFlow().run();
    const seen: Event[] = [];
    for await (const ev of handler.streamEvents()) {
      seen.push(ev);
      if (ev instanceof InputRequiredEvent) handler.ctx.sendEvent(new HumanResponseEvent({ response: "42" }));
    }
    expect(await handler).toBe("got 42");
    expect(seen[0]).toBeInstanceOf(InputRequiredEvent);
    expect(seen.at(-1)).toBeInstanceOf(StopEvent);
  });

  it("pauses, serializes to JSON text, restores on a new instance and resumes", async () => {
    const handler = new HumanInTheLoopFlow().run();
    let prefix = "";
    for await (const ev of handler.streamEvents()) {
      if (ev instanceof InputRequiredEvent) {
        prefix = ev.prefix;
        break;
      }
    }
    expect(prefix).toBe("Enter a number: ");
    const text = JSON.stringify(handler.ctx.toJSON());
    handler.cancel(); // the original process goes away
    await expect(handler).rejects.toThrow("cancelled");

    const flow = new HumanInTheLoopFlow();
    const ctx = Context.fromJSON(flow, JSON.parse(text));
    expect(ctx.status).toBe("paused");
    const resumed = flow.run(undefined, { ctx });
    resumed.ctx.sendEvent(new HumanResponseEvent({ response: "7" }));
    expect(await resumed).toBe("got 7");
    expect(resumed.runId).toBe(handler.runId);
    expect(ctx.store.getState()).toEqual({ questions: 1 });
  });

  it("accepts the response sent into a restored context before the run resumes", async () => {
    const handler = new HumanInTheLoopFlow().run();
    for await (const ev of handler.streamEvents()) if (ev instanceof InputRequiredEvent) break;
    const saved = handler.ctx.toJSON();
    handler.cancel();
    const flow = new HumanInTheLoopFlow();
    const ctx = Context.fromJSON(flow, saved);
    ctx.sendEvent(new HumanResponseEvent({ response: "early" }));
    expect(await flow.run(undefined, { ctx })).toBe("got early");
  });

  it("resumes a cancelled run's context in place", async () => {
    const flow = new HumanInTheLoopFlow();
    const handler = flow.run();
    for await (const ev of handler.streamEvents()) if (ev instanceof InputRequiredEvent) break;
    handler.cancel();
    await handler.catch(() => undefined);
    expect(handler.ctx.status).toBe("cancelled");
    const resumed = flow.run(undefined, { ctx: handler.ctx });
    resumed.ctx.sendEvent(new HumanResponseEvent({ response: "again" }));
    expect(await resumed).toBe("got again");
  });
});

class LoopFlow extends LoopFlowBase {
  async stepOne(ev: LoopStart | LoopEvent) {
    const remaining = ev instanceof LoopEvent ? ev.remaining : ev.times;
    if (remaining > 0) return new LoopEvent({ remaining: remaining - 1 });
    return new LoopDone({ iterations: ev instanceof LoopEvent ? -1 : 0 });
  }
}

describe("loop", () => {
  it("loops a step on its own event until done", async () => {
    const result = await new LoopFlow().run({ times: 25 });
    expect(result).toBeInstanceOf(LoopDone);
    expect(result.iterations).toBe(-1);
  });
});

class BranchFlow extends BranchFlowBase {
  async start(ev: BranchStart) {
    return ev.branch === "a" ? new BranchA1Event({ payload: "Branch A" }) : new BranchB1Event({ payload: "Branch B" });
  }
  async stepA1(ev: BranchA1Event) {
    return new BranchA2Event({ payload: ev.payload });
  }
  async stepB1(ev: BranchB1Event) {
    return new BranchB2Event({ payload: ev.payload });
  }
  async stepA2(ev: BranchA2Event) {
    return new StopEvent({ result: `${ev.payload} complete.` });
  }
  async stepB2(ev: BranchB2Event) {
    return new StopEvent({ result: `${ev.payload} complete.` });
  }
}

describe("branch", () => {
  it("takes the branch the start event selects", async () => {
    const flow = new BranchFlow();
    expect(await flow.run({ branch: "a" })).toBe("Branch A complete.");
    expect(await flow.run({ branch: "b" })).toBe("Branch B complete.");
  });
});

class FanFlow extends FanFlowBase {
  async initRun(ev: FanStart, ctx: StepContext<Record<string, never>, ProcessEvent>) {
    ctx.store.set("num_to_collect", ev.items.length);
    for (const item of ev.items) ctx.sendEvent(new ProcessEvent({ item }));
  }
  async process(ev: ProcessEvent) {
    await sleep(Math.random() * 5);
    return new ResultEvent({ item: ev.item, length: ev.item.length });
  }
  async finalize(ev: ResultEvent, ctx: StepContext<Record<string, never>, FanDone>) {
    const n = ctx.store.get<number>("num_to_collect");
    const events = ctx.collectEvents(ev, Array<typeof ResultEvent>(n).fill(ResultEvent));
    if (events === null) return;
    return new FanDone({ total: events.reduce((sum, e) => sum + e.length, 0), items: events.map((e) => e.item).sort() });
  }
}

describe("fan-out / fan-in", () => {
  it("collects as many results as the store says were sent", async () => {
    const items = Array.from({ length: 30 }, (_, i) => `item-${i}`);
    const result = await new FanFlow().run({ items });
    expect(result.total).toBe(items.join("").length);
    expect(result.items).toEqual([...items].sort());
  });
});

class DocumentFlow extends DocumentFlowBase {
  async parseFile(ev: DocumentSubmitted, ctx: StepContext<DocumentFlowState, ParseDocEvent>, { parser }: { parser: Parser }) {
    const nodes = await parser.parse(ev.path);
    await ctx.store.editState((s) => {
      s.documents_parsed += 1;
    });
    return new ParseDocEvent({ nodes });
  }
  async extractData(ev: ParseDocEvent, _ctx: StepContext<DocumentFlowState, ExtractDataEvent>, { extractor }: { extractor: Extractor }) {
    return new ExtractDataEvent({ data_list: await extractor.extract(ev.nodes.join("\n")) });
  }
  async analyzeResults(ev: ExtractDataEvent) {
    const total = ev.data_list.reduce((sum, r) => sum + r.amount, 0);
    return new AnalysisReady({ total, records: ev.data_list, output_file: "results.csv" });
  }
}

describe("document processing", () => {
  it("parses, extracts (retrying once, fresh extractor per call) and analyzes with typed results", async () => {
    let extractorsMade = 0;
    let calls = 0;
    const flow = new DocumentFlow({
      resources: {
        parser: () => ({ parse: async (path: string) => [`Invoice ${path}`, "ACME 12.5", "Globex 7.5"] }),
        extractor: async () => {
          extractorsMade++;
          return {
            extract: async (text: string) => {
              if (++calls === 1) throw new Error("extraction service hiccup");
              return text
                .split("\n")
                .slice(1)
                .map((line) => ({ name: line.split(" ")[0]!, amount: Number(line.split(" ")[1]) }));
            },
          };
        },
      },
    });
    const handler = flow.run({ path: "q3.pdf" });
    const result: AnalysisReady = await handler;
    expect(result.total).toBe(20);
    expect(result.records).toEqual([
      { name: "ACME", amount: 12.5 },
      { name: "Globex", amount: 7.5 },
    ]);
    expect(result.output_file).toBe("results.csv");
    expect(extractorsMade).toBe(2);
    expect(handler.ctx.store.getState().documents_parsed).toBe(1);
  });
});
