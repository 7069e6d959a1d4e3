// The durable example's injectable probe: how long a step "works", and a hook that sees every
// step body run (the crash tests count side effects with it).

export interface Probe {
  /** Simulated work; resolves after a few milliseconds by default. */
  delay(step: string): Promise<void>;
  /** Called once per step body execution with a key unique per delivery (`work:2.3`). */
  effect(step: string, key: string): void;
}

/** Default factory: 5 ms of work per step, no side effects. */
export function createProbe(): Probe {
  return {
    delay: () => new Promise((resolve) => setTimeout(resolve, 5)),
    effect: () => undefined,
  };
}
