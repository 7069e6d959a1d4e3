// Pinned-down runtime semantics: store and state, routing, the stream, validation, serialization.

import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  Context,
  createRunState,
  Event,
  InputRequiredEvent,
  JournalMismatchError,
  reduce,
  StartEvent,
  StopEvent,
  Workflow,
  WorkflowRuntimeError,
  WorkflowTimeoutError,
  WorkflowValidationError,
  type StepContext,
  type Tick,
  type WorkflowDefinition,
} from "flowspec/runtime";
import { ConcurrentFlowBase, StepACompleteEvent, StepAEvent, StepBCompleteEvent, StepBEvent, StepCCompleteEvent, StepCEvent } from "../../generated/concurrent.js";
import { Burst, CounterFlowBase, Tally, Work, Worked, type CounterFlowState } from "./fixtures/counter.js";
import { CritiqueReady, JokeFlowBase, JokeRequested, JokeWritten, type JokeFlowState } from "./fixtures/joke.js";
import { drain, gate, sleep, untilAborted } from "./helpers.js";

class CounterFlow extends CounterFlowBase {
  async spray(ev: Burst, ctx: StepContext<CounterFlowState, Work>) {
    for (let index = 0; index < ev.n; index++) ctx.sendEvent(new Work({ index }));
  }
  async work(ev: Work, ctx: StepContext<CounterFlowState, Worked>) {
    await ctx.store.editState(async (s) => {
      const seen = s.count;
      await sleep(0);
      s.count = seen + 1;
    });
    return new Worked({ index: ev.index });
  }
  async gather(ev: Worked, ctx: StepContext<CounterFlowState, Tally>) {
    const seen = ctx.store.get<number>("seen", 0) + 1;
    ctx.store.set("seen", seen);
    if (seen < 200 && ctx.store.get("target", 200) > seen) return;
    return new Tally({ count: ctx.store.getState().count, seen });
  }
}

describe("store and state", () => {
  it("gets, sets, defaults, and throws on a missing key without default", () => {
    const ctx = new Context(new CounterFlow());
    ctx.store.set("k", { a: 1 });
    expect(ctx.store.get("k")).toEqual({ a: 1 });
    expect(ctx.store.get("missing", 5)).toBe(5);
    expect(ctx.store.get("missing", undefined)).toBeUndefined();
    expect(() => ctx.store.get("missing")).toThrow('no key "missing"');
  });

  it("starts the typed state from the schema's defaults and returns copies", () => {
    const ctx = new Context(new CounterFlow());
    const state = ctx.store.getState() as { count: number };
    expect(state).toEqual({ count: 0 });
    state.count = 99;
    expect(ctx.store.getState()).toEqual({ count: 0 });
  });

  it("commits nothing when the edit callback throws", async () => {
    const ctx = new Context(new CounterFlow());
    await expect(
      ctx.store.editState((s) => {
        s.count = 5;
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(ctx.store.getState()).toEqual({ count: 0 });
  });

  it("rejects a state breaking its schema with WorkflowValidationError naming state and field", async () => {
    const ctx = new Context(new CounterFlow());
    const error = await ctx.store.editState((s) => void (s.count = -1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect(error).toMatchObject({ name: "WorkflowValidationError", target: "state", field: "count" });
    expect(ctx.store.getState()).toEqual({ count: 0 });
  });

  it("serializes 200 concurrent edits that await inside the lock: none lost", async () => {
    const ctx = new Context(new CounterFlow());
    await Promise.all(
      Array.from({ length: 200 }, () =>
        ctx.store.editState(async (s) => {
          const seen = s.count;
          await sleep(0);
          s.count = seen + 1;
        }),
      ),
    );
    expect(ctx.store.getState()).toEqual({ count: 200 });
  });

  it("serializes 200 concurrent edits from 8 workers inside a run", async () => {
    const result = await new CounterFlow().run({ n: 200 });
    expect(result).toBeInstanceOf(Tally);
    expect(result.count).toBe(200);
    expect(result.seen).toBe(200);
  });

  it("fails the run when a step's edit breaks the state schema", async () => {
    class Broken extends CounterFlow {
      override async work(ev: Work, ctx: StepContext<CounterFlowState, Worked>) {
        await ctx.store.editState((s) => void (s.count = -5));
        return new Worked({ index: ev.index });
      }
    }
    await expect(new Broken().run({ n: 1 })).rejects.toMatchObject({ name: "WorkflowValidationError", target: "state", field: "count" });
  });
});

const echoLlm = { complete: async (p: string) => p };

class JokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, _ctx: StepContext<JokeFlowState, JokeWritten>): Promise<JokeWritten | void> {
    return new JokeWritten({ joke: `joke about ${ev.topic}` });
  }
  async critiqueJoke(ev: JokeWritten): Promise<CritiqueReady | void> {
    return new CritiqueReady({ critique: { text: ev.joke, score: 5 } });
  }
}

describe("routing", () => {
  it("delivers to a target named by spec name or method name", async () => {
    for (const step of ["critique_joke", "critiqueJoke"]) {
      class Targeted extends JokeFlow {
        override async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
          ctx.sendEvent(new JokeWritten({ joke: ev.topic }), { step });
        }
      }
      const result = await new Targeted({ resources: { llm: () => echoLlm } }).run({ topic: step });
      expect(result.critique.text).toBe(step);
    }
  });

  it("fails the run naming an unknown target, or a target that does not accept the event", async () => {
    class Unknown extends JokeFlow {
      override async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
        ctx.sendEvent(new JokeWritten({ joke: "x" }), { step: "nope" });
      }
    }
    const e1 = await new Unknown().run({ topic: "t" }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(WorkflowRuntimeError);
    expect((e1 as Error).message).toContain('"nope"');

    class Refused extends JokeFlow {
      override async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
        ctx.sendEvent(new JokeWritten({ joke: "x" }), { step: "generate_joke" });
      }
    }
    const e2 = await new Refused().run({ topic: "t" }).catch((e: unknown) => e);
    expect(e2).toMatchObject({ name: "WorkflowRuntimeError", step: "generate_joke" });
    expect((e2 as Error).message).toContain("does not accept JokeWritten");
  });

  it("refuses a second run on a running context; other contexts run alongside", async () => {
    const open = gate();
    class Waiting extends JokeFlow {
      override async generateJoke(ev: JokeRequested) {
        await open.promise;
        return new JokeWritten({ joke: ev.topic });
      }
    }
    const flow = new Waiting();
    const first = flow.run({ topic: "one" });
    expect(() => flow.run({ topic: "two" }, { ctx: first.ctx })).toThrow("refused");
    const other = flow.run({ topic: "three" });
    open.open();
    expect((await first).critique.text).toBe("one");
    expect((await other).critique.text).toBe("three");
  });

  it("fails the run when a loosely typed step sends an event its emits does not list", async () => {
    class Asking extends JokeFlow {
      override async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
        (ctx as unknown as StepContext<JokeFlowState, InputRequiredEvent>).sendEvent(new InputRequiredEvent({ prefix: "?" }));
        return new JokeWritten({ joke: ev.topic });
      }
    }
    const error = await new Asking().run({ topic: "t" }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowRuntimeError);
    expect((error as WorkflowRuntimeError).step).toBe("generate_joke");
    expect((error as Error).message).toContain("sent InputRequiredEvent, which its spec does not list in emits");
  });

  it("accepts a start event instance as input", async () => {
    const result = await new JokeFlow().run(new JokeRequested({ topic: "inst" }) as unknown as { topic: string });
    expect(result.critique.text).toBe("joke about inst");
  });
});

describe("stream", () => {
  it("has one reader at a time, is used up once the stop was read; writes after the stop are dropped", async () => {
    const late = gate();
    class Late extends JokeFlow {
      override async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
        ctx.sendEvent(new JokeWritten({ joke: ev.topic }));
        await sleep(20);
        ctx.writeEventToStream(new JokeWritten({ joke: "too late" }));
        late.open();
      }
    }
    const handler = new Late().run({ topic: "t" });
    const events = drain(handler.streamEvents());
    expect(() => handler.streamEvents()).toThrow("already has a reader");
    await handler;
    await late.promise;
    expect((await events).map((e) => e.constructor.name)).toEqual(["CritiqueReady"]);
    expect(() => handler.streamEvents()).toThrow("read to its end");
  });

  it("ends by throwing the run's error", async () => {
    class Failing extends JokeFlow {
      override async critiqueJoke(): Promise<CritiqueReady> {
        throw new Error("boom");
      }
    }
    const handler = new Failing().run({ topic: "t" });
    await expect(drain(handler.streamEvents())).rejects.toBeInstanceOf(WorkflowRuntimeError);
  });
});

describe("validation", () => {
  it("rejects a bad start payload naming the event and the field", async () => {
    const error = await new JokeFlow().run({} as { topic: string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect(error).toMatchObject({ target: "JokeRequested", field: "topic" });
    expect((error as Error).message).toMatch(/JokeRequested.*topic/);
  });

  it("fails the run on an emitted event breaking its schema, naming event and nested field", async () => {
    class Overrated extends JokeFlow {
      override async critiqueJoke(ev: JokeWritten) {
        return new CritiqueReady({ critique: { text: ev.joke, score: 11 } });
      }
    }
    const error = await new Overrated().run({ topic: "t" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "WorkflowValidationError", target: "CritiqueReady", field: "critique.score" });
    expect((error as Error).message).toMatch(/CritiqueReady.*critique\.score/);
  });

  it("validates sent events and stream writes too", async () => {
    class BadSend extends JokeFlow {
      override async generateJoke(_ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
        ctx.sendEvent(new JokeWritten({ joke: 42 as unknown as string }));
      }
    }
    await expect(new BadSend().run({ topic: "t" })).rejects.toMatchObject({ target: "JokeWritten", field: "joke" });
    class BadWrite extends JokeFlow {
      override async generateJoke(_ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>) {
        ctx.writeEventToStream(new JokeWritten({ joke: null as unknown as string }));
      }
    }
    await expect(new BadWrite().run({ topic: "t" })).rejects.toMatchObject({ target: "JokeWritten", field: "joke" });
  });

  it("fails the run naming the step that returned something other than an event", async () => {
    class Stringly extends JokeFlow {
      override async generateJoke(): Promise<JokeWritten> {
        return "a joke" as unknown as JokeWritten;
      }
    }
    const error = await new Stringly().run({ topic: "t" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "WorkflowRuntimeError", step: "generate_joke" });
    expect((error as Error).message).toContain('"generate_joke" returned the string');
  });
});

describe("per-step attempt timeout", () => {
  class Slow extends Event {
    static override readonly typeName = "Slow";
    static override readonly kind = "event";
    static override readonly schema = z.object({});
  }
  const definition: WorkflowDefinition = {
    name: "StepTimeoutFlow",
    startEvent: StartEvent,
    events: [Slow],
    steps: [
      { name: "go", method: "go", accepts: [StartEvent], emits: [StopEvent], resources: [], workers: 1, timeout: 0.02, retry: { attempts: 2, delay: 0, backoff: 1 } },
    ],
    resources: {},
  };
  it("aborts a slow attempt's signal and retries it", async () => {
    const reasons: unknown[] = [];
    class StepTimeoutFlow extends Workflow {
      constructor() {
        super(definition);
      }
      async go(_ev: StartEvent, ctx: StepContext) {
        if (ctx.attempt === 1) await untilAborted(ctx.signal).catch((r: unknown) => reasons.push(r));
        return new StopEvent({ result: ctx.attempt });
      }
    }
    expect(await new StepTimeoutFlow().run()).toBe(2);
    expect(reasons[0]).toBeInstanceOf(WorkflowTimeoutError);
  });
});

class ConcurrentFlow extends ConcurrentFlowBase {
  constructor(readonly hold: { b: Promise<void> }) {
    super({ timeout: null });
  }
  async start(_ev: StartEvent, ctx: StepContext<Record<string, never>, StepAEvent | StepBEvent | StepCEvent>) {
    ctx.sendEvent(new StepAEvent({ query: "1" }));
    ctx.sendEvent(new StepBEvent({ query: "2" }));
    ctx.sendEvent(new StepCEvent({ query: "3" }));
  }
  async stepA(ev: StepAEvent) {
    return new StepACompleteEvent({ result: `A${ev.query}` });
  }
  async stepB(ev: StepBEvent) {
    await this.hold.b;
    return new StepBCompleteEvent({ result: `B${ev.query}` });
  }
  async stepC(ev: StepCEvent) {
    return new StepCCompleteEvent({ result: `C${ev.query}` });
  }
  async stepThree(ev: StepACompleteEvent | StepBCompleteEvent | StepCCompleteEvent, ctx: StepContext<Record<string, never>, StopEvent>) {
    const all = ctx.collectEvents(ev, [StepACompleteEvent, StepBCompleteEvent, StepCCompleteEvent]);
    if (all === null) return;
    return new StopEvent({ result: all.map((e) => e.result).join(",") });
  }
}

describe("serialization", () => {
  it("captures in-flight work and collect buffers; a new instance re-dispatches and finishes", async () => {
    const never = { b: new Promise<void>(() => undefined) };
    const handler = new ConcurrentFlow(never).run();
    await sleep(10);
    const json = handler.ctx.toJSON();
    expect(json.status).toBe("running");
    expect(json.steps["step_b"]!.inFlight.map((d) => d.event)).toEqual([{ type: "StepBEvent", data: { query: "2" } }]);
    expect(json.steps["step_three"]!.buffer.map((e) => e.event.type).sort()).toEqual(["StepACompleteEvent", "StepCCompleteEvent"]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    handler.cancel();

    const flow = new ConcurrentFlow({ b: Promise.resolve() });
    const ctx = Context.fromJSON(flow, JSON.stringify(json));
    expect(await flow.run(undefined, { ctx })).toBe("A1,B2,C3");
  });

  it("refuses snapshots naming steps or events the workflow does not have", () => {
    const flow = new JokeFlow();
    const json = new Context(flow).toJSON();
    const badStep = { ...json, steps: { renamed_step: { queue: [], inFlight: [], buffer: [] } } };
    expect(() => Context.fromJSON(flow, badStep)).toThrow(JournalMismatchError);
    const badEvent = { ...json, stream: [{ type: "Gone", data: {} }] };
    expect(() => Context.fromJSON(flow, badEvent)).toThrow(JournalMismatchError);
    expect(() => Context.fromJSON(new CounterFlow(), json)).toThrow(/JokeFlow/);
  });

  it("journals ticks through onTick; replaying them with reduce rebuilds the same context", async () => {
    const ticks: Tick[] = [];
    const flow = new CounterFlow({ onTick: (tick) => ticks.push(tick) });
    const handler = flow.run({ n: 20 });
    handler.ctx.store.set("target", 20);
    await handler;
    expect(ticks[0]).toMatchObject({ type: "run_started" });
    const env = buildEnvOf(flow);
    const replayed = createRunState(env.steps.length, { count: 0 });
    for (const tick of ticks) reduce(replayed, tick, env);
    const live = handler.ctx.toJSON();
    expect(replayed.status).toBe(live.status);
    expect(replayed.state).toEqual(live.state);
    expect(Object.fromEntries(replayed.store)).toEqual(live.store);
    expect(replayed.nextSeq).toBe(live.nextSeq);
  });
});

import { buildRunEnv } from "flowspec/runtime";
function buildEnvOf(flow: Workflow<any, any, any, any>) {
  return buildRunEnv((flow.constructor as unknown as { definition: WorkflowDefinition }).definition);
}
