// flowspec/dbos: runs generated workflows on DBOS Transact over Postgres. See docs/dbos.md (usage)
// and docs/dbos-design.md (design "C": a run is a DBOS workflow whose op log is its tick journal).
//
//   const runtime = new DbosRuntime({ systemDatabaseUrl: process.env.FLOWSPEC_PG_URL! });
//   const flow = new JokeFlow({ runtime, resources: { llm: () => llm } });
//   await runtime.launch();                                 // after every workflow is constructed
//   const handler = flow.run({ topic: "pirates" }, { runId: "joke-42" });   // enqueued, any process
//
// Modules: runtime.ts (DbosRuntime), handler.ts (DbosHandler, DbosContext), recorder.ts (the DBOS
// workflow function of a run), journal-read.ts (a run's values from its checkpoints), codec.ts, launch-lock.ts, workers.ts (heartbeat + reaper),
// results.ts (result polling), step-slots.ts (stepConcurrency), pg.ts, options.ts, errors.ts, as-dbos.ts.

export { RunExistsError } from "../runtime/index.js";
export { STREAM_KEY, TICKS_TOPIC, STATUS_KEY } from "./recorder.js";
export type { DbosLogger, DbosRuntimeOptions } from "./options.js";
export { RemoteRunError, RunNotFoundError } from "./errors.js";
export { DbosRuntime, type DbosRunInfo } from "./runtime.js";
export { DbosContext, DbosHandler } from "./handler.js";
export { asDbos, type DbosWorkflow } from "./as-dbos.js";
