// The errors flowspec/dbos adds: a run the DBOS system database does not know, and a synchronous
// read that this process cannot answer (the run's values live where it runs).

/** `flow.run`, `flow.resume`, `streamEvents({ from })` on a run the DBOS system database does not know. */
export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(readonly runId: string, workflow: string) {
    super(`Run "${runId}" of ${workflow} does not exist in the DBOS system database`);
  }
}

/**
 * A synchronous read of a DBOS run (`handler.ctx.store.getState()`, `handler.ctx.toJSON()`, …) that
 * this process cannot answer: the run lives on a worker and in Postgres. The message names the
 * async call that answers it. Never a default value instead.
 */
export class RemoteRunError extends Error {
  override readonly name = "RemoteRunError";
  constructor(readonly runId: string, workflow: string, what: string, instead: string) {
    super(`${what} cannot be answered in this process: run "${runId}" of ${workflow} runs on DBOS, and its values live there. Use ${instead}`);
  }
}
