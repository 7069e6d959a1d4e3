// A stand-in language model for the example specs. Apps inject a real one (or a fake in tests)
// through the workflow's `resources` option.

/** The smallest interface the joke workflow needs from a language model. */
export interface Llm {
  complete(prompt: string): Promise<string>;
}

/** Default factory named by `specs/joke.yaml`: echoes the prompt, so examples run offline. */
export function createLlm(): Llm {
  return { complete: async (prompt) => `echo: ${prompt}` };
}
