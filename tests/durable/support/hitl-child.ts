// A child for the cross-process human-in-the-loop test.
// MODE=ask: starts the run, exits as soon as its InputRequiredEvent reaches the stream.
// MODE=answer: resumes the run by id, sends the HumanResponseEvent, prints the result.

import { HumanResponseEvent, InputRequiredEvent } from "flowspec/runtime";
import { HumanInTheLoopFlow } from "../../support/hitl-flow.js";
import { SqliteJournal } from "flowspec/sqlite";


const journal = new SqliteJournal(process.env.JOURNAL!);
const flow = new HumanInTheLoopFlow({ journal });
const runId = process.env.RUN_ID!;
if (process.env.MODE === "ask") {
  const handler = flow.run(undefined, { runId });
  for await (const ev of handler.streamEvents()) {
    if (ev instanceof InputRequiredEvent) {
      process.stdout.write(`ASKED ${ev.prefix}\n`);
      process.exit(0); // the process goes away with the run waiting
    }
  }
} else {
  const handler = flow.resume(runId);
  handler.ctx.sendEvent(new HumanResponseEvent({ response: process.env.ANSWER! }));
  const result = await handler;
  const seen: string[] = [];
  for await (const ev of handler.streamEvents({ from: 0 })) seen.push(ev.constructor.name);
  process.stdout.write(`RESULT ${JSON.stringify({ result, seen })}\n`);
  journal.close();
}
