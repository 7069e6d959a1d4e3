// The durable example: run it, kill it (Ctrl-C, or kill -9), run it again — it resumes.
//
//   node --import ./tests/durable/support/register.mjs examples/durable/run.ts [journal-file]
//   npx flowspec runs list --journal durable-example.db
//
// (From a built package, import "flowspec/sqlite" and your generated module the same way.)

import { SqliteJournal } from "flowspec/sqlite";
import { Progress } from "../../generated/durable.js";
import { DurableFlow } from "../../specs/support/durable-flow.js";

const journal = new SqliteJournal(process.argv[2] ?? "durable-example.db");
const flow = new DurableFlow({
  journal,
  // 300 ms of "work" per step: slow enough to kill it mid-run.
  resources: { probe: () => ({ delay: () => new Promise<void>((r) => setTimeout(r, 300)), effect: (step, key) => console.log(`  running ${key}`) }) },
});

// Resume whatever an earlier (killed) process left unfinished; otherwise start a new run.
const resumed = await flow.resumeAll();
for (const { runId, error } of resumed.skipped) console.log(`not resuming ${runId}: ${error.message}`);
let handlers = [...resumed];
if (handlers.length > 0) console.log(`resuming ${handlers.map((h) => h.runId).join(", ")}`);
else {
  const handler = flow.run({ rounds: 5, width: 3 }, { runId: `durable-${Date.now()}` });
  console.log(`started ${handler.runId} (kill me, then run me again)`);
  handlers = [handler];
}
for (const handler of handlers) {
  // from: 0 replays what the run streamed before a crash, then goes live.
  for await (const ev of handler.streamEvents({ from: 0 })) if (ev instanceof Progress) console.log(`[${handler.runId}] ${ev.message}`);
  console.log(`[${handler.runId}] finished:`, await handler);
}
journal.close();
