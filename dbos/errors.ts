// The error flowspec/dbos adds: a run the DBOS system database does not know.

/** `flow.run`, `flow.resume`, `streamEvents({ from })` on a run the DBOS system database does not know. */
export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(readonly runId: string, workflow: string) {
    super(`Run "${runId}" of ${workflow} does not exist in the DBOS system database`);
  }
}
