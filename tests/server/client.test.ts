// The contract test: LlamaIndex's own TypeScript client, @llamaindex/workflows-client, unchanged,
// against flowspec/server on a loopback port: it lists and runs workflows, streams a run, stops at
// the human's question, answers it, resumes the stream where it stopped (by cursor, and by its own
// reconnect with Last-Event-ID), and reads the result.

import {
  createClient,
  createConfig,
  getEventsByHandlerId,
  getHandlers,
  getHandlersByHandlerId,
  getHealth,
  getResultsByHandlerId,
  getWorkflows,
  getWorkflowsByNameSchema,
  postEventsByHandlerId,
  postHandlersByHandlerIdCancel,
  postWorkflowsByNameRun,
  postWorkflowsByNameRunNowait,
} from "@llamaindex/workflows-client";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DemoFlow, TrivialFlow } from "./support/flows.js";
import { serve, type Served } from "./support/http.js";

let s: Served;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  s = await serve({ workflows: { demo: new DemoFlow(), trivial: new TrivialFlow() } });
  client = createClient(createConfig({ baseUrl: s.url }));
});
afterAll(() => s.close());

type Envelope = { type: string; types: string[] | null; value: any };

test("health, workflows, schema and a run that waits", async () => {
  expect((await getHealth({ client })).data).toEqual({ status: "healthy" });
  expect((await getWorkflows({ client })).data).toEqual({ workflows: ["demo", "trivial"] });
  const schema = await getWorkflowsByNameSchema({ client, path: { name: "demo" } });
  expect((schema.data as { start: { title: string } }).start.title).toBe("GreetStart");
  const run = await postWorkflowsByNameRun({ client, path: { name: "trivial" }, body: { start_event: {}, context: {} } });
  expect(run.response.status).toBe(200);
  expect(run.data).toMatchObject({ status: "completed", result: { type: "Done", types: ["StopEvent"], value: { total: 2 } } });
});

test("run, stream to the question, answer it, resume the stream by cursor, read the result", async () => {
  const started = await postWorkflowsByNameRunNowait({ client, path: { name: "demo" }, body: { start_event: { name: "Ada", count: 2 } } });
  expect(started.data?.status).toBe("running");
  const handler_id = started.data!.handler_id;

  const seen: { id: string | undefined; type: string }[] = [];
  let lastId: string | undefined;
  const abort = new AbortController();
  const first = await getEventsByHandlerId({ client, path: { handler_id }, query: { sse: true, after_sequence: -1 }, signal: abort.signal, onSseEvent: (e) => (lastId = e.id) });
  for await (const ev of first.stream as AsyncGenerator<Envelope>) {
    seen.push({ id: lastId, type: ev.type });
    if (ev.types?.includes("InputRequiredEvent")) break;
  }
  abort.abort();
  expect(seen).toEqual([
    { id: "0", type: "Progress" },
    { id: "1", type: "Progress" },
    { id: "2", type: "AskApproval" },
  ]);
  expect((await getHandlersByHandlerId({ client, path: { handler_id } })).response.status).toBe(202);

  const sent = await postEventsByHandlerId({ client, path: { handler_id }, body: { event: { type: "Approval", value: { approved: true, comment: "lgtm" } } as never } });
  expect(sent.data).toEqual({ status: "sent" });

  const rest = await getEventsByHandlerId({ client, path: { handler_id }, query: { after_sequence: Number(lastId) }, onSseEvent: (e) => (lastId = e.id) });
  const tail: { id: string | undefined; ev: Envelope }[] = [];
  for await (const ev of rest.stream as AsyncGenerator<Envelope>) tail.push({ id: lastId, ev });
  expect(tail.map((t) => [t.id, t.ev.type])).toEqual([
    ["3", "Progress"],
    ["4", "StopEvent"],
  ]);
  expect(tail[1]!.ev.value).toEqual({ result: { draft: "Hello, Ada!", approved: true, comment: "lgtm" } });

  const done = await getHandlersByHandlerId({ client, path: { handler_id } });
  expect(done.response.status).toBe(200);
  expect(done.data).toMatchObject({ handler_id, status: "completed", result: { type: "StopEvent", value: { result: { approved: true } } } });
  expect((await getResultsByHandlerId({ client, path: { handler_id } })).data).toMatchObject({ result: { draft: "Hello, Ada!", approved: true, comment: "lgtm" } });
  const list = await getHandlers({ client, query: { status: "completed" } as never });
  expect((list.data as { handlers: { handler_id: string }[] }).handlers.map((h) => h.handler_id)).toContain(handler_id);
});

test("the client's own reconnect resumes with Last-Event-ID: no event twice, none lost", async () => {
  const started = await postWorkflowsByNameRunNowait({ client, path: { name: "demo" }, body: { start_event: { name: "Bo", count: 1 } } });
  const handler_id = started.data!.handler_id;
  let dropped = false;
  const ids: (string | undefined)[] = [];
  const { stream } = await getEventsByHandlerId({
    client,
    path: { handler_id },
    query: { after_sequence: -1 },
    sseMaxRetryAttempts: 3,
    onSseEvent: (e) => {
      ids.push(e.id);
      // Break the connection once, at the question: the client reconnects on its own.
      if ((e.data as Envelope).type === "AskApproval" && !dropped) {
        dropped = true;
        throw new Error("connection dropped");
      }
    },
    // Its back-off (an option of its SSE client that the generated types leave out) is where the human answers.
    ...({
      sseSleepFn: async () => {
        await postEventsByHandlerId({ client, path: { handler_id }, body: { event: { type: "Approval", value: { approved: false } } as never } });
      },
    } as object),
  });
  const types: string[] = [];
  for await (const ev of stream as AsyncGenerator<Envelope>) types.push(ev.type);
  expect(dropped).toBe(true);
  expect(ids).toEqual(["0", "1", "2", "3"]); // 1 (AskApproval) was the drop; after it, Last-Event-ID: 1
  expect(types).toEqual(["Progress", "Progress", "StopEvent"]); // the dropped frame is not yielded; nothing repeats
  const done = await getHandlersByHandlerId({ client, path: { handler_id } });
  expect(done.data).toMatchObject({ status: "completed", result: { value: { result: { approved: false, comment: "" } } } });
});

test("errors come back as the reference's bodies: unknown handler, refused send, cancel", async () => {
  const missing = await getHandlersByHandlerId({ client, path: { handler_id: "nope" } });
  expect(missing.response.status).toBe(404);
  expect(missing.error).toEqual({ detail: "Handler not found" });
  const started = await postWorkflowsByNameRunNowait({ client, path: { name: "demo" }, body: { start_event: { name: "Cy" } } });
  const handler_id = started.data!.handler_id;
  const refused = await postEventsByHandlerId({ client, path: { handler_id }, body: { event: { type: "StopEvent", value: { result: 1 } } as never } });
  expect(refused.response.status).toBe(400);
  const cancelled = await postHandlersByHandlerIdCancel({ client, path: { handler_id } });
  expect(cancelled.data).toEqual({ status: "cancelled" });
  const after = await getHandlersByHandlerId({ client, path: { handler_id } });
  expect(after.response.status).toBe(500);
  expect(after.error).toMatchObject({ status: "cancelled" });
});
