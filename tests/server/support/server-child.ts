// A server process for the restart test: the demo workflow on a SQLite journal, served on a free
// loopback port, which it prints as `LISTENING <url>`.

import { SqliteJournal } from "flowspec/sqlite";
import { createServer } from "../../../server/index.js";
import { DemoFlow, TrivialFlow } from "./flows.js";

const journal = new SqliteJournal(process.env.JOURNAL!);
const server = createServer({ workflows: { demo: new DemoFlow({ journal }), trivial: new TrivialFlow({ journal }) }, journal });
const http = await server.listen({ port: 0 });
await server.ready;
process.stdout.write(`LISTENING ${http.url} ${server.skipped.length}\n`);
