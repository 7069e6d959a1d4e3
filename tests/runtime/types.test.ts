// Type-level contract of the generated API. `npx tsc --noEmit` checks the `@ts-expect-error` lines
// (an unneeded one is itself an error); vitest runs the value-level assertions.

import { describe, expectTypeOf, it } from "vitest";
import {
  Context,
  HumanResponseEvent,
  StopEvent,
  type ContextStore,
  type Event,
  type StepContext,
  type WorkflowHandler,
} from "flowspec/runtime";
import { StepAEvent, StepBEvent } from "../../generated/concurrent.js";
import { ParallelFlowBase, type StepTwoEvent } from "../../generated/parallel.js";
import { FlakyFlowBase, type Note, type Pong } from "./fixtures/flaky.js";
import { CritiqueReady, JokeFlowBase, JokeRequested, JokeWritten, type JokeFlowState } from "./fixtures/joke.js";
import type { Llm } from "./fixtures/support/llm.js";

class JokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, ctx: StepContext<JokeFlowState, JokeWritten>, { llm }: { llm: Llm }): Promise<JokeWritten | void> {
    ctx.sendEvent(new JokeWritten({ joke: await llm.complete(ev.topic) }));
    // @ts-expect-error CritiqueReady is not among generate_joke's emits
    ctx.sendEvent(new CritiqueReady({ critique: { text: "", score: 1 } }));
    // @ts-expect-error the return type is the union of the emits
    return new CritiqueReady({ critique: { text: "", score: 1 } });
  }
  async critiqueJoke(ev: JokeWritten) {
    return new CritiqueReady({ critique: { text: ev.joke, score: 5 } });
  }
}

function emitsAreNominal(ctx: StepContext<Record<string, never>, StepAEvent>): void {
  ctx.sendEvent(new StepAEvent({ query: "ok" }));
  // @ts-expect-error same fields, another event class: the private brand keeps them apart
  ctx.sendEvent(new StepBEvent({ query: "same shape" }));
}

function emitsNothing(ctx: StepContext<Record<string, never>, never>): void {
  // @ts-expect-error a step that emits nothing can send nothing
  ctx.sendEvent(new StepAEvent({ query: "x" }));
  ctx.writeEventToStream(new StepAEvent({ query: "the stream takes any event" }));
}

function eventConstruction(): void {
  new JokeRequested({ topic: "ok" });
  // @ts-expect-error a required field is missing
  new JokeRequested({});
  // @ts-expect-error a field of the wrong type
  new JokeWritten({ joke: 42 });
  // @ts-expect-error nested named types are checked too
  new CritiqueReady({ critique: { text: "t" } });
}

function runInputs(): void {
  const joke = new JokeFlow();
  joke.run({ topic: "pirates" });
  // @ts-expect-error JokeFlow's start event has a required field
  joke.run();
  // @ts-expect-error wrong field type
  joke.run({ topic: 1 });
  new JokeFlow({ timeout: null, verbose: true, resources: { llm: () => ({ complete: async () => "" }) } });
  // @ts-expect-error a resource override must produce the resource's type
  new JokeFlow({ resources: { llm: () => 42 } });
  // @ts-expect-error unknown resource
  new JokeFlow({ resources: { db: () => ({}) } });
}

class Flaky extends FlakyFlowBase {
  async flaky(): Promise<Note | Pong | void> {}
  async listen(): Promise<Pong | void> {}
}

class Parallel extends ParallelFlowBase {
  async start(): Promise<StepTwoEvent | void> {}
  async stepTwo(): Promise<StopEvent | void> {}
}

function optionalInputs(): void {
  new Flaky().run(); // no required field: `X | void`
  new Flaky().run({ label: "x" });
  new Parallel().run(); // StartEvent: void
}

function collectTypes(ctx: StepContext, ev: Event): void {
  const pair = ctx.collectEvents(ev, [StepAEvent, StepBEvent]);
  expectTypeOf(pair).toEqualTypeOf<readonly [StepAEvent, StepBEvent] | null>();
  const many = ctx.collectEvents(ev, Array<typeof StepAEvent>(3).fill(StepAEvent));
  expectTypeOf(many).toEqualTypeOf<StepAEvent[] | null>();
}

async function handlerTypes(): Promise<void> {
  const handler = new JokeFlow().run({ topic: "t" });
  expectTypeOf(handler).toEqualTypeOf<WorkflowHandler<CritiqueReady, JokeFlowState>>();
  expectTypeOf(await handler).toEqualTypeOf<CritiqueReady>();
  expectTypeOf(await new Parallel().run()).toEqualTypeOf<unknown>();
  handler.ctx.sendEvent(new HumanResponseEvent({ response: "any event from outside" }));
  expectTypeOf(handler.ctx.store).toEqualTypeOf<ContextStore<JokeFlowState>>();
  const restored = Context.fromJSON(new JokeFlow(), handler.ctx.toJSON());
  expectTypeOf(restored).toEqualTypeOf<Context<JokeFlowState>>();
  expectTypeOf(new Context(new JokeFlow())).toEqualTypeOf<Context<JokeFlowState>>();
  new JokeFlow().run({ topic: "t" }, { ctx: restored });
  // @ts-expect-error a context of another workflow's state
  new Parallel().run(undefined, { ctx: restored });
}

async function stateTypes(ctx: StepContext<JokeFlowState, never>): Promise<void> {
  expectTypeOf(ctx.store.getState().attempts).toEqualTypeOf<number>();
  await ctx.store.editState((s) => {
    s.attempts += 1; // the draft is mutable
    s.topic = "x";
  });
  // @ts-expect-error the state copy is readonly
  ctx.store.getState().attempts = 1;
  // @ts-expect-error unknown state field
  await ctx.store.editState((s) => void (s.missing = 1));
  expectTypeOf(ctx.store.get<number>("n", 0)).toEqualTypeOf<number>();
}

describe("type-level contract", () => {
  it("is checked by tsc (these functions exist for the compiler only)", () => {
    expectTypeOf(emitsAreNominal).toBeFunction();
    expectTypeOf(emitsNothing).toBeFunction();
    expectTypeOf(eventConstruction).toBeFunction();
    expectTypeOf(runInputs).toBeFunction();
    expectTypeOf(optionalInputs).toBeFunction();
    expectTypeOf(collectTypes).toBeFunction();
    expectTypeOf(handlerTypes).toBeFunction();
    expectTypeOf(stateTypes).toBeFunction();
  });
});
