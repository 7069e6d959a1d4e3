// A child process for the crash-loop test: runs (or resumes) DurableFlow runs against a SQLite
// journal, logging every step body execution to a side-effect file. Killed at random by the test.
//
// env: JOURNAL (file), EFFECTS (file), RUN_ID, ROUNDS, WIDTH, GEN (child number), DELAY_MS (max).

import { appendFileSync } from "node:fs";
import { SqliteJournal } from "flowspec/sqlite";
import { DurableFlow } from "../../../specs/support/durable-flow.js";

const env = process.env;
const journal = new SqliteJournal(env.JOURNAL!);
const maxDelay = Number(env.DELAY_MS ?? 4);
const gen = env.GEN ?? "0";
const flow = new DurableFlow({
  journal,
  resources: {
    probe: () => ({
      delay: () => new Promise<void>((resolve) => setTimeout(resolve, 1 + Math.floor(Math.random() * maxDelay))),
      effect: (step: string, key: string) => appendFileSync(env.EFFECTS!, `${gen} ${step} ${key}\n`),
    }),
  },
});

const runId = env.RUN_ID!;
process.stdout.write("READY\n");
const handlers = journal.getRun(runId) === undefined ? [flow.run({ rounds: Number(env.ROUNDS), width: Number(env.WIDTH) }, { runId })] : await flow.resumeAll();
const results = await Promise.all(handlers);
process.stdout.write(`DONE ${JSON.stringify(results)}\n`);
journal.close();
