// Time budgets in tests count this process's CPU time, never the wall clock: the suite must pass
// while other processes keep the cores busy (CI machines are shared), and waiting for a core
// does not use CPU. A budget here guards against a hang or a quadratic blow-up (seconds against
// milliseconds), not speed: speed is measured by the benchmarks, which print figures.

/** CPU milliseconds this process has used so far (user + system). */
export function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `run` and returns its value and the CPU milliseconds it used. */
export function cpuTimed<T>(run: () => T): { value: T; ms: number } {
  const started = cpuNow();
  const value = run();
  return { value, ms: cpuNow() - started };
}
