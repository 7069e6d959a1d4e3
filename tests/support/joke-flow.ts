// The generated JokeFlow with steps that answer at once (no model): for tests about how runs are
// executed and recorded rather than what the steps do. generate_joke writes one progress event.

import { CritiqueReady, JokeFlowBase, JokeProgress, JokeWritten, type JokeRequested } from "../../generated/joke.js";

export class InstantJokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested, ctx: Parameters<JokeFlowBase["generateJoke"]>[1]) {
    ctx.writeEventToStream(new JokeProgress({ message: "thinking" }));
    return new JokeWritten({ joke: `a joke about ${ev.topic}` });
  }
  async critiqueJoke(ev: JokeWritten) {
    return new CritiqueReady({ joke: ev.joke, critique: { text: "fine", score: 5 } });
  }
}

/** A resource factory for `llm`, which these steps never call. */
export const noLlm = () => ({}) as never;
