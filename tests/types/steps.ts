// Type-level tests of the generated step API (generated/joke.ts and tests/fixtures/emit/routing.ts). Checked by
// tsc, never run: each `@ts-expect-error` must meet an error, so a generated type that got too loose
// fails the check.

import { HumanResponseEvent, InputRequiredEvent, StopEvent } from "flowspec/runtime";
import {
  CritiqueReady,
  JokeFlowBase,
  JokeProgress,
  JokeRequested,
  JokeWritten,
  type JokeFlowContext,
  type JokeFlowSteps,
} from "../../generated/joke.js";
import { Ping, PingPongBase, Pong, type PingPongContext } from "../fixtures/emit/no-fields.js";
import { Approved, Checked, Rejected, ReviewBase, Submitted, type ReviewContext } from "../fixtures/emit/routing.js";

/** The pleasant way: the generated helper types annotate each parameter. */
export class JokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, ctx: JokeFlowContext<"generateJoke">, { llm }: JokeFlowSteps["generateJoke"]["resources"]) {
    ctx.writeEventToStream(new JokeProgress({ message: "thinking" }));
    const joke = await llm.complete(`a joke about ${ev.topic}`);
    await ctx.store.editState((state) => {
      state.attempts += 1;
    });
    // @ts-expect-error CritiqueReady is not among generate_joke's emits, so sendEvent refuses it
    ctx.sendEvent(new CritiqueReady({ joke, critique: { text: "", score: 1 } }));
    ctx.sendEvent(new JokeWritten({ joke }));
    return new JokeWritten({ joke });
  }

  async critiqueJoke(ev: JokeWritten, _ctx: JokeFlowContext<"critiqueJoke">, resources: JokeFlowSteps["critiqueJoke"]["resources"]) {
    const text = await resources.llm.complete(ev.joke);
    return new CritiqueReady({ joke: ev.joke, critique: { text, score: 7 } });
  }
}

/** A step that returns an event it does not declare. */
export class ReturnsUndeclared extends JokeFlowBase {
  // @ts-expect-error generate_joke emits JokeWritten only; returning CritiqueReady breaks the base signature
  async generateJoke(ev: JokeRequested): Promise<CritiqueReady> {
    return new CritiqueReady({ joke: ev.topic, critique: { text: "", score: 0 } });
  }

  async critiqueJoke(): Promise<void> {}
}

/** Events are nominal: one with the same fields is still another event. */
export class SendsTwin extends ReviewBase {
  async checkDraft(ev: Submitted, ctx: ReviewContext<"checkDraft">) {
    if (ev.draft === "") return new InputRequiredEvent({ prefix: "Write something: " });
    return new Checked({ ok: true });
  }

  async decide(ev: Checked | HumanResponseEvent, ctx: ReviewContext<"decide">) {
    if (ev instanceof HumanResponseEvent) return new StopEvent({ result: ev.response });
    ctx.sendEvent(new Rejected({ by: "bot" }));
    // @ts-expect-error decide emits Approved, Rejected and StopEvent, not Checked
    ctx.sendEvent(new Checked({ ok: ev.ok }));
    return ev.ok ? new Approved({ by: "bot" }) : new Rejected({ by: "bot" });
  }
}

// @ts-expect-error Rejected has Approved's fields but is not an Approved
export const twin: Approved = new Rejected({ by: "someone" });

export function constructors(): void {
  // @ts-expect-error a required field is missing
  new JokeWritten({});
  // @ts-expect-error a field of the wrong type
  new JokeWritten({ joke: 42 });
  // @ts-expect-error a field the event does not have
  new JokeWritten({ joke: "x", punchline: "y" });
  // @ts-expect-error a nested named type is checked too (score is an integer field)
  new CritiqueReady({ joke: "x", critique: { text: "y", score: "ten" } });
  // Fields with a default or `?` may be left out; so may the whole input when all of them can.
  new Submitted();
  new Submitted({ author: "me" });
  // @ts-expect-error fields are readonly
  new JokeWritten({ joke: "x" }).joke = "y";
}

export async function running(): Promise<void> {
  const flow = new JokeFlow();
  const result: CritiqueReady = await flow.run({ topic: "pirates" });
  void result;
  // @ts-expect-error the start event's fields are required
  void flow.run();
  // @ts-expect-error and typed
  void flow.run({ topic: 1 });
  // No required start field: run() takes no argument. StopEvent is a stop event: the result is unknown.
  const review = new SendsTwin({ resources: { clock: () => ({ now: () => 1 }) } });
  const outcome: unknown = await review.run();
  void outcome;
  // @ts-expect-error resources are typed by the spec's module types
  new JokeFlow({ resources: { llm: () => ({ complete: 1 }) } });
}

export async function withoutFields(): Promise<void> {
  class Flow extends PingPongBase {
    async answer(_ev: Ping, _ctx: PingPongContext<"answer">) {
      return new Pong();
    }
  }
  const pong: Pong = await new Flow().run();
  void pong;
  await new Flow().run({});
  // @ts-expect-error the start event has no fields
  await new Flow().run({ extra: 1 });
}

/** The stream is typed by the spec: what steps may write, and what a reader gets. */
export class StreamTyped extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, ctx: JokeFlowContext<"generateJoke">) {
    ctx.writeEventToStream(new JokeProgress({ message: "thinking" }));
    // @ts-expect-error another workflow's event cannot be written to this workflow's stream
    ctx.writeEventToStream(new Ping());
    // @ts-expect-error nor the start event
    ctx.writeEventToStream(new JokeRequested({ topic: ev.topic }));
    return new JokeWritten({ joke: ev.topic });
  }
  async critiqueJoke(ev: JokeWritten) {
    return new CritiqueReady({ joke: ev.joke, critique: { text: "", score: 1 } });
  }
}

export async function readingTheStream(): Promise<void> {
  for await (const ev of new StreamTyped().run({ topic: "t" }).streamEvents()) {
    const known: JokeWritten | JokeProgress | CritiqueReady = ev;
    void known;
    // @ts-expect-error the stream yields this workflow's events, never another's
    const other: Ping = ev;
    void other;
  }
}
