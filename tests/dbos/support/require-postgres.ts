// Every DBOS test file needs Postgres. Without it, the file's tests are skipped with a one-line
// reason, except under CI=true, where a missing Postgres fails the run (never a silent skip).

import { describe, it } from "vitest";
import { postgresProblem } from "./harness.js";

/** Why Postgres cannot be used (null when it can); under CI=true, registers a failing test named after `suite`. */
export async function requirePostgres(suite: string): Promise<string | null> {
  const problem = await postgresProblem();
  if (problem !== null && process.env.CI === "true") {
    describe(suite, () => {
      it("needs Postgres under CI", () => {
        throw new Error(`CI=true and ${problem}`);
      });
    });
  } else if (problem !== null) console.warn(`[tests/dbos] ${suite} skipped: ${problem}`);
  return problem;
}
