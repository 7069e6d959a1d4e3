// What both DBOS benchmarks start from: a fresh database, a client runtime (`worker: false`) with
// the Fan workflow, and the worker processes they start on it. `close()` stops the workers and the
// client and drops the database; an interrupt (SIGINT, SIGTERM) stops the workers and drops it too.

import { createDatabase, dropDatabase, stopChild, type Child } from "../../tests/dbos/support/harness.js";

export async function benchCluster() {
  const { Fan } = await import("../../tests/dbos/fixtures/flows.js");
  const { asDbos, DbosRuntime } = await import("../../dbos/index.js");
  const db = await createDatabase("flowspec_bench");
  const children: Child[] = [];
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      for (const c of children) c.child.kill("SIGKILL");
      void dropDatabase(db.name).finally(() => process.exit(130));
    });
  }
  const runtime = new DbosRuntime({ systemDatabaseUrl: db.url, worker: false, executorId: `bench-client-${process.pid}` });
  const fan = asDbos(new Fan({ runtime, timeout: null }));
  const close = async () => {
    await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
    await runtime.shutdown().catch(() => undefined);
    await dropDatabase(db.name).catch((e) => console.error(`could not drop ${db.name}: ${(e as Error).message}`));
  };
  return { db, children, runtime, fan, close };
}
