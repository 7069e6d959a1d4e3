// Seeds and run counts for the property tests. CI uses the fixed defaults (reproducible, bounded);
// a deeper local search: FLOWSPEC_FUZZ_SEED=7 FLOWSPEC_FUZZ_SCALE=20 npx vitest run tests/hardening

/** The seed every property uses: 42 unless FLOWSPEC_FUZZ_SEED says otherwise. */
export const SEED = Number(process.env.FLOWSPEC_FUZZ_SEED ?? 42);

/** `n` runs, times FLOWSPEC_FUZZ_SCALE (default 1). */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * Number(process.env.FLOWSPEC_FUZZ_SCALE ?? 1)));
}

/** A test timeout that grows with the run count. */
export function timeout(ms: number): number {
  return Math.max(ms, Math.round(ms * Number(process.env.FLOWSPEC_FUZZ_SCALE ?? 1)));
}
