// A child for the ownership tests.
// MODE=hold: starts a human-in-the-loop run, says ASKED, and stays alive holding the run.
// MODE=steps: starts a DurableFlow run with slow steps; says STARTED after its first step, then
// reports how the run ended (DONE or LOST with the error message).

import { InputRequiredEvent } from "flowspec/runtime";
import { HumanInTheLoopFlow } from "../../support/hitl-flow.js";
import { SqliteJournal } from "flowspec/sqlite";
import { DurableFlow } from "../../../specs/support/durable-flow.js";


const journal = new SqliteJournal(process.env.JOURNAL!);
const runId = process.env.RUN_ID!;
if (process.env.MODE === "hold") {
  const handler = new HumanInTheLoopFlow({ journal, timeout: null }).run(undefined, { runId });
  for await (const ev of handler.streamEvents()) {
    if (ev instanceof InputRequiredEvent) {
      process.stdout.write("ASKED\n");
      break;
    }
  }
  setInterval(() => undefined, 1_000); // stay alive, holding the run, until killed
} else {
  let steps = 0;
  const flow = new DurableFlow({
    journal,
    timeout: null,
    resources: {
      probe: () => ({
        delay: () => new Promise<void>((resolve) => setTimeout(resolve, 20)),
        effect: () => void (++steps === 1 && process.stdout.write("STARTED\n")),
      }),
    },
  });
  try {
    await flow.run({ rounds: 50, width: 2 }, { runId });
    process.stdout.write("DONE\n");
  } catch (error) {
    process.stdout.write(`LOST ${(error as Error).message}\n`);
  }
  journal.close();
}
