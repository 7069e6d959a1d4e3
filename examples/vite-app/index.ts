// A Vite app that imports a workflow spec directly: the flowspec plugin compiles joke.flow.yaml into the
// same module `flowspec build` would generate, and this file implements its steps.

import { JokeFlowBase, JokeRated, JokeWritten } from "./joke.flow.yaml";
import type { Llm } from "./llm.js";

export class JokeFlow extends JokeFlowBase {
  async writeJoke(ev: { topic: string }, _ctx: unknown, { llm }: { llm: Llm }) {
    return new JokeWritten({ joke: await llm.complete(`Tell a joke about ${ev.topic}`) });
  }

  async rateJoke(ev: { joke: string }, _ctx: unknown, { llm }: { llm: Llm }) {
    const score = Number(await llm.complete(`Rate this joke from 0 to 10: ${ev.joke}`));
    return new JokeRated({ joke: ev.joke, score });
  }
}

/** Runs the workflow once and resolves to its stop event. */
export async function tellJoke(topic: string): Promise<{ joke: string; score: number }> {
  const result = await new JokeFlow().run({ topic });
  return { joke: result.joke, score: result.score };
}

// `node dist/index.js pirates` after `vite build` runs it from the command line.
if (typeof process !== "undefined" && import.meta.url === `file://${process.argv[1]}`) {
  console.log(await tellJoke(process.argv[2] ?? "pirates"));
}
