// A coin for the loop and branch examples, injectable so tests can make it deterministic.

export interface Coin {
  /** true for heads. */
  flip(): boolean;
}

/** Default factory: a fair coin. */
export function createCoin(): Coin {
  return { flip: () => Math.random() < 0.5 };
}
