// The server process of `npm run bench:server`: TrivialFlow and TickerFlow, in memory or on a
// SQLite journal (`--journal FILE`), on a free loopback port (printed as `LISTENING <url>`).
// On stdin, `mem` answers `MEM <rss bytes> <heap used bytes>` after a full GC.

import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createServer } from "flowspec/server";
import { SqliteJournal } from "flowspec/sqlite";
import { TickerFlow, TrivialFlow } from "./flows.js";

const { values } = parseArgs({ options: { journal: { type: "string" } } });
const journal = values.journal === undefined ? undefined : new SqliteJournal(values.journal);
const options = journal === undefined ? {} : { journal };
const server = createServer({ workflows: { trivial: new TrivialFlow(options), ticker: new TickerFlow(options) }, ...options });
const http = await server.listen({ port: 0 });
process.stdout.write(`LISTENING ${http.url}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "mem") continue;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`MEM ${m.rss} ${m.heapUsed}\n`);
}
