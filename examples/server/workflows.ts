// Two of the bundled example specs, served with `flowspec serve` (see docs/server.md):
//
//   node --import ./tests/durable/support/register.mjs dist/cli/flowspec.js serve examples/server/workflows.ts
//
// (the --import hook runs TypeScript from the repository; an app serves its built JavaScript).
// `joke` streams progress and stops with a custom stop event; `hitl` asks a human for a number.

import { InputRequiredEvent, StopEvent, type HumanResponseEvent, type StartEvent } from "flowspec/runtime";
import { HumanInTheLoopFlowBase, type HumanInTheLoopFlowContext } from "../../generated/human-in-the-loop.js";
import { CritiqueReady, JokeFlowBase, JokeProgress, JokeWritten, type JokeFlowContext, type JokeFlowSteps, type JokeRequested } from "../../generated/joke.js";

class JokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, ctx: JokeFlowContext<"generateJoke">, { llm }: JokeFlowSteps["generateJoke"]["resources"]) {
    ctx.writeEventToStream(new JokeProgress({ message: `Writing a joke about ${ev.topic}` }));
    await ctx.store.editState((state) => {
      state.attempts += 1;
    });
    return new JokeWritten({ joke: await llm.complete(`Write your best joke about ${ev.topic}.`) });
  }
  async critiqueJoke(ev: JokeWritten, _ctx: JokeFlowContext<"critiqueJoke">, { llm }: JokeFlowSteps["critiqueJoke"]["resources"]) {
    return new CritiqueReady({ joke: ev.joke, critique: { text: await llm.complete(`Critique: ${ev.joke}`), score: 7 } });
  }
}

class HumanInTheLoopFlow extends HumanInTheLoopFlowBase {
  async step1(_ev: StartEvent, _ctx: HumanInTheLoopFlowContext<"step1">) {
    return new InputRequiredEvent({ prefix: "Enter a number: " });
  }
  async step2(ev: HumanResponseEvent) {
    return new StopEvent({ result: `got ${ev.response}` });
  }
}

// The spec's resource factory (specs/support/llm.ts) echoes prompts, so this runs offline.
export const joke = new JokeFlow();
export const hitl = new HumanInTheLoopFlow({ timeout: null });
