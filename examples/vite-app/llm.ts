// The example's stand-in language model: deterministic, so the app runs offline and its test can assert.

export interface Llm {
  complete(prompt: string): Promise<string>;
}

export function createLlm(): Llm {
  return {
    async complete(prompt) {
      if (prompt.startsWith("Rate")) return String(prompt.length % 11);
      return `Why did the ${prompt.replace(/^Tell a joke about /, "")} cross the road? To get to the other side.`;
    },
  };
}
