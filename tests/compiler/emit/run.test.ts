// The emitted modules run on the real runtime: the definition they hand over routes events, builds
// resources, applies state defaults and validates payloads as the spec says.

import { HumanResponseEvent, InputRequiredEvent, StopEvent, WorkflowValidationError } from "flowspec/runtime";
import { describe, expect, test } from "vitest";
import {
  CritiqueReady,
  JokeFlowBase,
  JokeProgress,
  JokeRequested,
  JokeWritten,
  type JokeFlowContext,
  type JokeFlowSteps,
} from "../../../generated/joke.js";
import { Approved, Checked, Rejected, ReviewBase, Submitted, type ReviewContext } from "../../fixtures/emit/routing.js";

class JokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, ctx: JokeFlowContext<"generateJoke">, { llm }: JokeFlowSteps["generateJoke"]["resources"]) {
    ctx.writeEventToStream(new JokeProgress({ message: "writing" }));
    await ctx.store.editState((state) => {
      state.attempts += 1;
    });
    return new JokeWritten({ joke: await llm.complete(ev.topic) });
  }

  async critiqueJoke(ev: JokeWritten, ctx: JokeFlowContext<"critiqueJoke">, { llm }: JokeFlowSteps["critiqueJoke"]["resources"]) {
    const { attempts } = ctx.store.getState();
    return new CritiqueReady({ joke: ev.joke, critique: { text: await llm.complete(`rate: ${ev.joke}`), score: attempts } });
  }
}

class Review extends ReviewBase {
  async checkDraft(ev: Submitted, _ctx: ReviewContext<"checkDraft">, { store }: { store: { save(k: string, v: string): void } }) {
    store.save("draft", ev.draft);
    return ev.draft === "" ? new InputRequiredEvent({ prefix: "Draft? " }) : new Checked({ ok: ev.draft.length > 3 });
  }

  async decide(ev: Checked | HumanResponseEvent) {
    if (ev instanceof HumanResponseEvent) return new StopEvent({ result: `human said ${ev.response}` });
    return ev.ok ? new Approved({ by: "bot" }) : new Rejected({ by: "bot" });
  }
}

describe("a generated workflow on the runtime", () => {
  test("joke: resources from the spec's factory or the options, state defaults, the stream, the stop event", async () => {
    const flow = new JokeFlow({ resources: { llm: () => ({ complete: async (prompt: string) => `<${prompt}>` }) } });
    const handler = flow.run({ topic: "pirates" });
    const streamed: unknown[] = [];
    for await (const ev of handler.streamEvents()) streamed.push(ev);
    const result = await handler;
    expect(result).toBeInstanceOf(CritiqueReady);
    expect(result.joke).toBe("<pirates>");
    expect(result.critique).toEqual({ text: "<rate: <pirates>>", score: 1 });
    expect(streamed[0]).toBeInstanceOf(JokeProgress);

    // The factory named in the spec (specs/support/llm.ts) when no override is given.
    const echoed = await new JokeFlow().run({ topic: "cats" });
    expect(echoed.joke).toBe("echo: cats");
  });

  test("joke: the start payload is validated against the event's schema (minLength: 1)", async () => {
    await expect(new JokeFlow().run({ topic: "" })).rejects.toBeInstanceOf(WorkflowValidationError);
  });

  test("routing: run() without input, union accepts, human in the loop, several stop events", async () => {
    expect(await new Review().run({ draft: "a long draft" })).toBeInstanceOf(Approved);
    expect(await new Review().run({ draft: "no" })).toBeInstanceOf(Rejected);

    const handler = new Review().run();
    for await (const ev of handler.streamEvents()) {
      if (ev instanceof InputRequiredEvent) handler.ctx.sendEvent(new HumanResponseEvent({ response: "ship it" }));
    }
    expect(await handler).toBe("human said ship it");
  });
});
