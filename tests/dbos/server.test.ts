// flowspec/server on DBOS: any server process serves any run. A run started through one server is
// streamed, answered and read through another, and a worker runs it. Needs Postgres
// (FLOWSPEC_PG_URL, default postgres://postgres@127.0.0.1:5432/test); skipped with a one-line
// reason without it, except under CI=true, where a missing Postgres fails the run.

import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, holdPostgres, readSideEffects, startChild, stopChild, type Child } from "./support/harness.js";
import { requirePostgres } from "./support/require-postgres.js";

const problem = await requirePostgres("flowspec/server on DBOS");

const sideFile = join(tmpdir(), `flowspec-server-dbos-${process.pid}.jsonl`);

/** Reads an SSE response until `until` matches an event's data, then stops reading. */
async function readSse(response: Response, until: (data: { type: string }) => boolean): Promise<{ type: string }[]> {
  const seen: { type: string }[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return seen;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = frame.split("\n").find((l) => l.startsWith("data: "));
        if (data === undefined) continue; // a heartbeat
        const event = JSON.parse(data.slice(6)) as { type: string };
        seen.push(event);
        if (until(event)) return seen;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

describe.skipIf(problem !== null)("flowspec/server on DBOS (Postgres, child processes)", () => {
  let db: { name: string; url: string };
  const children: Child[] = [];
  const releases: (() => void)[] = [];
  const start = (script: string, env: Record<string, string>) => {
    const c = startChild(script, { FLOWSPEC_PG_URL: db.url, FLOWSPEC_SIDE_FILE: sideFile, ...env });
    children.push(c);
    return c;
  };

  beforeAll(async () => {
    releases.push(await holdPostgres("shared")); // the outage test stops Postgres: not while this file uses it
    db = await createDatabase();
  }, 300_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
    if (db !== undefined) await dropDatabase(db.name).catch((e) => console.warn(`could not drop ${db.name}: ${e.message}`));
    rmSync(sideFile, { force: true });
    for (const release of releases.splice(0)) release();
  }, 30_000);

  it("a run started through one server process is streamed, answered and read through another", async () => {
    const worker = start("worker.ts", { FLOWSPEC_WHO: "sw1", FLOWSPEC_FLOWS: "hitl" });
    const a = start("server.ts", {});
    const b = start("server.ts", {});
    await worker.waitFor((m) => m.type === "ready", 60_000);
    const [{ port: portA }, { port: portB }] = await Promise.all([a.waitFor((m) => m.type === "ready", 60_000), b.waitFor((m) => m.type === "ready", 60_000)]);
    const A = `http://127.0.0.1:${portA}`;
    const B = `http://127.0.0.1:${portB}`;

    const started = await fetch(`${A}/workflows/hitl/run-nowait`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(started.status).toBe(200);
    const { handler_id: id } = (await started.json()) as { handler_id: string };

    // B never saw this run: it attaches to it and streams it from the start, up to the question.
    const stream = await fetch(`${B}/events/${id}`);
    expect(stream.status).toBe(200);
    const events = await readSse(stream, (e) => e.type === "InputRequiredEvent");
    expect(events.map((e) => e.type)).toEqual(["InputRequiredEvent"]);

    // An event the run does not accept is refused by B at once (400, naming what it accepts).
    const wrong = await fetch(`${B}/events/${id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event: { type: "StartEvent", value: {} } }) });
    expect(wrong.status).toBe(400);
    const sent = await fetch(`${B}/events/${id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event: { type: "HumanResponseEvent", value: { response: "from B" } } }) });
    expect(sent.status, await sent.clone().text()).toBe(200);

    // A reads the result the worker produced.
    let result: Response;
    do result = await fetch(`${A}/results/${id}`);
    while (result.status === 202 && (await new Promise((r) => setTimeout(r, 50)), true));
    expect(result.status).toBe(200);
    expect(await result.json()).toMatchObject({ handler_id: id, status: "completed", result: { answer: "from B", by: "sw1" } });

    // Once it finished, a send through either server is a 409, never a silent drop.
    const late = await fetch(`${B}/events/${id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event: { type: "HumanResponseEvent", value: { response: "late" } } }) });
    expect(late.status).toBe(409);
    // An id no workflow has is a 404 on a server that never saw it.
    expect((await fetch(`${B}/handlers/nope-${id}`)).status).toBe(404);
    // The step that asked ran once, the answer once.
    const effects = readSideEffects(sideFile).filter((e) => e.runId === id);
    expect(effects.map((e) => e.what).sort()).toEqual(["answered", "ask"]);
  }, 120_000);
});
