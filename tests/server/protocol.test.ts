// flowspec/server against the reference protocol (llama-agents-server), over a real HTTP server
// on loopback: every route, its status codes and bodies, SSE framing and cursors, both start
// forms, every send form, and each 4xx naming its field.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DemoFlow, TrivialFlow } from "./support/flows.js";
import { readUntil, serve, sseFrames, until, type JsonResponse, type Served } from "./support/http.js";

let s: Served;
beforeAll(async () => {
  s = await serve({ workflows: { demo: new DemoFlow(), trivial: new TrivialFlow(), boom: new TrivialFlow({ fail: true }) }, heartbeatMs: 50 });
});
afterAll(() => s.close());

const HANDLER_KEYS = ["completed_at", "error", "handler_id", "result", "run_id", "started_at", "status", "updated_at", "workflow_name"];

async function startDemo(body: unknown = { start_event: { name: "Ada", count: 3 } }) {
  const r = await s.req("/workflows/demo/run-nowait", { json: body });
  expect(r.status).toBe(200);
  return (await r.json()) as { handler_id: string; run_id: string; status: string };
}

/** Waits until the demo run asks for approval (its stream carries AskApproval). */
async function asked(id: string) {
  const text = await readUntil(await s.req(`/events/${id}?after_sequence=-1`), (t) => t.includes('"AskApproval"'));
  return sseFrames(text);
}

async function approve(id: string, event: unknown = { type: "Approval", value: { approved: true, comment: "lgtm" } }) {
  return s.req(`/events/${id}`, { json: { event } });
}

async function errorOf(r: JsonResponse) {
  expect(r.headers.get("content-type")).toBe("application/json");
  return (await r.json()) as { detail: string; field?: string; accepted?: string[] };
}

describe("workflow routes", () => {
  test("GET / is a page of links; a waiting run's results are 202 with result null", async () => {
    const page = await s.req("/");
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain('href="openapi.json"');
    const { handler_id: id } = await startDemo();
    await asked(id);
    const r = await s.req(`/results/${id}`);
    expect(r.status).toBe(202);
    expect(await r.json()).toMatchObject({ status: "running", result: null });
    expect((await s.req("/results/nope")).status).toBe(404);
  });

  test("health, workflows, unknown paths", async () => {
    expect(await (await s.req("/health")).json()).toEqual({ status: "healthy" });
    expect(await (await s.req("/workflows")).json()).toEqual({ workflows: ["demo", "trivial", "boom"] });
    const r = await s.req("/nope");
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ detail: "Not Found" });
  });

  test("schema: the start and stop events' JSON Schemas, titled with their type", async () => {
    const body = await (await s.req("/workflows/demo/schema")).json();
    expect(body.start).toMatchObject({ title: "GreetStart", type: "object", required: ["name"], properties: { name: { type: "string" }, count: { type: "integer", default: 3 } } });
    expect(body.stop).toMatchObject({ title: "StopEvent", type: "object" });
    expect((await s.req("/workflows/nope/schema")).status).toBe(404);
  });

  test("events: every event's schema", async () => {
    const { events } = await (await s.req("/workflows/demo/events")).json();
    expect(events.map((e: { title: string }) => e.title).sort()).toEqual(["Approval", "AskApproval", "Drafted", "GreetStart", "Progress", "StopEvent"]);
    expect((await s.req("/workflows/nope/events")).status).toBe(404);
  });

  test("representation: steps, events and the external node, in the reference's graph shape", async () => {
    const { graph } = await (await s.req("/workflows/demo/representation")).json();
    expect(graph.name).toBe("DemoFlow");
    const byId = Object.fromEntries(graph.nodes.map((n: { id: string }) => [n.id, n]));
    expect(byId.draft).toEqual({ id: "draft", label: "draft", node_type: "step", description: null });
    expect(byId.AskApproval).toMatchObject({ node_type: "event", event_type: "AskApproval", event_types: ["AskApproval", "InputRequiredEvent"], produced_by: ["review"] });
    expect(byId.Approval).toMatchObject({ event_types: ["Approval", "HumanResponseEvent"], produced_by: [] });
    expect(byId.external_step).toEqual({ id: "external_step", label: "external_step", node_type: "external" });
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { source: "GreetStart", target: "draft", label: null },
        { source: "review", target: "AskApproval", label: null },
        { source: "AskApproval", target: "external_step", label: null },
        { source: "external_step", target: "Approval", label: null },
        { source: "finish", target: "StopEvent", label: null },
      ]),
    );
    expect((await s.req("/workflows/nope/representation")).status).toBe(404);
  });
});

describe("running", () => {
  test("run waits: 200 with the 9-key Handler; a custom stop event keeps its type with types [StopEvent]", async () => {
    const r = await s.req("/workflows/trivial/run", { json: { start_event: {} } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    const h = await r.json();
    expect(Object.keys(h).sort()).toEqual(HANDLER_KEYS);
    expect(h).toMatchObject({ workflow_name: "trivial", status: "completed", error: null, result: { value: { total: 2 }, qualified_name: "TrivialFlow.Done", type: "Done", types: ["StopEvent"] } });
    expect(h.handler_id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(h.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(h.completed_at).toBe(h.updated_at);
  });

  test("a failed run answers 500 with a Handler body, on run and on handlers/{id}; its stream ends with WorkflowFailedEvent", async () => {
    const r = await s.req("/workflows/boom/run", { json: {} });
    expect(r.status).toBe(500);
    const h = await r.json();
    expect(h).toMatchObject({ status: "failed", error: "kaboom: deliberate failure", result: null });
    expect(h.completed_at).not.toBeNull();
    expect((await s.req(`/handlers/${h.handler_id}`)).status).toBe(500);
    expect((await s.req(`/results/${h.handler_id}`)).status).toBe(500);
    const lines = (await (await s.req(`/events/${h.handler_id}?sse=false&after_sequence=-1`)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ type: "WorkflowFailedEvent", types: ["StopEvent"], qualified_name: "workflows.events.WorkflowFailedEvent", value: { step_name: "c", exception: { exception_type: "Error", exception_message: "kaboom: deliberate failure" } } });
  });

  test("the start event: bare fields, an envelope, legacy data, a JSON string, or kwargs; context {} is tolerated", async () => {
    for (const body of [
      { start_event: { name: "A" }, context: {} },
      { start_event: { type: "GreetStart", value: { name: "A" } } },
      { start_event: { type: "GreetStart", data: { name: "A" } } },
      { start_event: JSON.stringify({ type: "GreetStart", value: { name: "A" } }) },
      { start_event: JSON.stringify({ name: "A" }) },
      { kwargs: { name: "Kw", count: 1 } },
    ]) {
      const h = await startDemo(body);
      expect(h.status).toBe("running");
      await asked(h.handler_id);
    }
  });

  test("4xx: malformed or empty JSON, an unknown workflow, a bad start event, a context, a bad handler_id", async () => {
    let r = await s.req("/workflows/demo/run-nowait", { method: "POST" });
    expect(r.status).toBe(400);
    expect(await errorOf(r)).toMatchObject({ field: "body", detail: expect.stringMatching(/^Invalid JSON body/) });
    r = await s.req("/workflows/demo/run-nowait", { method: "POST", body: "not json" });
    expect(await errorOf(r)).toMatchObject({ field: "body", detail: expect.stringMatching(/^Invalid JSON body/) });
    r = await s.req("/workflows/demo/run-nowait", { json: [1] });
    expect(r.status).toBe(400);
    r = await s.req("/workflows/nope/run", { json: {} });
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ detail: "Workflow not found" });
    r = await s.req("/workflows/demo/run-nowait", { json: { start_event: { count: "x" } } });
    expect(r.status).toBe(400);
    expect(await errorOf(r)).toMatchObject({ field: "start_event.name", detail: expect.stringContaining("GreetStart") });
    r = await s.req("/workflows/demo/run-nowait", { json: { start_event: { name: "A", count: "x" } } });
    expect(await errorOf(r)).toMatchObject({ field: "start_event.count" });
    r = await s.req("/workflows/demo/run-nowait", { json: { kwargs: { name: "" } } });
    expect(await errorOf(r)).toMatchObject({ field: "kwargs.name" });
    r = await s.req("/workflows/demo/run-nowait", { json: { start_event: { type: "Approval", value: { approved: true } } } });
    expect(await errorOf(r)).toMatchObject({ field: "start_event.type" });
    r = await s.req("/workflows/demo/run-nowait", { json: { start_event: { name: "C" }, context: { state: {} } } });
    expect(r.status).toBe(400);
    expect(await errorOf(r)).toMatchObject({ field: "context" });
    r = await s.req("/workflows/demo/run-nowait", { json: { start_event: { name: "C" }, handler_id: "a/b" } });
    expect(await errorOf(r)).toMatchObject({ field: "handler_id" });
  });

  test("handler_id: reusing a finished one starts a new run in its context; reusing a running one is 409", async () => {
    const first = await (await s.req("/workflows/trivial/run", { json: { handler_id: "mine-1" } })).json();
    expect(first).toMatchObject({ handler_id: "mine-1", run_id: "mine-1", status: "completed" });
    const again = await (await s.req("/workflows/trivial/run", { json: { handler_id: "mine-1" } })).json();
    expect(again).toMatchObject({ handler_id: "mine-1", run_id: "mine-1.2", status: "completed" });
    await startDemo({ handler_id: "mine-2", start_event: { name: "X" } });
    const r = await s.req("/workflows/demo/run-nowait", { json: { handler_id: "mine-2", start_event: { name: "Y" } } });
    expect(r.status).toBe(409);
    expect(await errorOf(r)).toMatchObject({ detail: "Handler 'mine-2' is already running", field: "handler_id" });
  });
});

describe("streams and cursors", () => {
  test("SSE framing: id: then one data: line, no event: or retry: lines; the stream closes after the stop event", async () => {
    const { handler_id: id } = await startDemo();
    const r = await s.req(`/events/${id}?after_sequence=-1`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reading = r.text();
    await asked(id);
    expect((await approve(id)).status).toBe(200);
    const text = await reading; // ends: the server closed the stream after the stop event
    expect(text).not.toMatch(/^(event|retry):/m);
    const frames = sseFrames(text);
    expect(frames.map((f) => f.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(frames[0]!.data).toEqual({ value: { i: 0, msg: "drafting part 0" }, qualified_name: "DemoFlow.Progress", type: "Progress", types: null });
    expect(frames[3]!.data).toEqual({ value: { prompt: "Approve 'Hello, Ada!'?" }, qualified_name: "DemoFlow.AskApproval", type: "AskApproval", types: ["InputRequiredEvent"] });
    expect(frames[5]!.data).toEqual({ value: { result: { draft: "Hello, Ada!", approved: true, comment: "lgtm" } }, qualified_name: "workflows.events.StopEvent", type: "StopEvent", types: null });
  });

  test("cursors after the run: now gives 204, -1 replays, Last-Event-ID and after_sequence resume, NDJSON carries sequence", async () => {
    const { handler_id: id } = await startDemo();
    await asked(id);
    await approve(id);
    await until(async () => ((await s.req(`/handlers/${id}`)).status === 200 ? true : undefined));
    let r = await s.req(`/events/${id}`);
    expect(r.status).toBe(204);
    r = await s.req(`/events/${id}?sse=false&after_sequence=-1`);
    expect(r.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await r.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.sequence, l.type])).toEqual([[0, "Progress"], [1, "Progress"], [2, "Progress"], [3, "AskApproval"], [4, "Progress"], [5, "StopEvent"]]);
    r = await s.req(`/events/${id}`, { headers: { "Last-Event-ID": "1" } });
    expect(sseFrames(await r.text()).map((f) => f.id)).toEqual([2, 3, 4, 5]);
    r = await s.req(`/events/${id}?after_sequence=3`);
    expect(sseFrames(await r.text()).map((f) => f.id)).toEqual([4, 5]);
    r = await s.req(`/events/${id}?after_sequence=0`, { headers: { "Last-Event-ID": "4" } });
    expect(sseFrames(await r.text()).map((f) => f.id)).toEqual([5]);
    r = await s.req(`/events/${id}?after_sequence=5`);
    expect(r.status).toBe(204);
    r = await s.req(`/events/${id}?after_sequence=-1&include_qualified_name=false`);
    expect(sseFrames(await r.text()).every((f) => f.data.qualified_name === null)).toBe(true);
  });

  test("cursor 4xx name their field; unknown handler 404", async () => {
    const { handler_id: id } = await startDemo();
    let r = await s.req(`/events/${id}?after_sequence=abc`);
    expect(r.status).toBe(400);
    expect(await errorOf(r)).toEqual({ detail: "Invalid after_sequence: 'abc'", field: "after_sequence" });
    r = await s.req(`/events/${id}?after_sequence=-2`);
    expect(await errorOf(r)).toMatchObject({ field: "after_sequence" });
    r = await s.req(`/events/${id}`, { headers: { "Last-Event-ID": "x1" } });
    expect(await errorOf(r)).toMatchObject({ field: "Last-Event-ID" });
    r = await s.req(`/events/${id}?sse=maybe`);
    expect(await errorOf(r)).toMatchObject({ field: "sse" });
    r = await s.req("/events/nope");
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ detail: "Handler not found" });
  });

  test("a waiting run's SSE stream gets heartbeats; a now cursor sees only what comes next", async () => {
    const { handler_id: id } = await startDemo();
    await asked(id);
    const r = await s.req(`/events/${id}?after_sequence=now`);
    const reading = readUntil(r, (t) => t.includes('"StopEvent"'));
    const beat = await readUntil(await s.req(`/events/${id}?after_sequence=3`), (t) => t.includes(": heartbeat\n\n"));
    expect(beat).toBe(": heartbeat\n\n");
    await approve(id);
    expect(sseFrames(await reading).map((f) => f.id)).toEqual([4, 5]);
  });
});

describe("sending events", () => {
  test("refusals: missing, unknown type (listing what the run accepts), invalid value, a StopEvent, an unaccepted built-in, bad step", async () => {
    const { handler_id: id } = await startDemo();
    await asked(id);
    let r = await s.req(`/events/${id}`, { json: { step: "finish" } });
    expect(await errorOf(r)).toEqual({ detail: "Event data is required", field: "event" });
    r = await approve(id, { type: "NoSuchEvent", value: {} });
    expect(r.status).toBe(400);
    expect(await errorOf(r)).toMatchObject({ detail: "Invalid event type: NoSuchEvent. Expected one of Drafted, Approval", field: "event.type", accepted: ["Drafted", "Approval"] });
    r = await approve(id, { type: "Approval", value: { approved: "maybe?" } });
    expect(await errorOf(r)).toMatchObject({ field: "event.value.approved" });
    r = await approve(id, { type: "StopEvent", value: { result: "forged by client" } });
    expect(r.status).toBe(400);
    expect((await errorOf(r)).detail).toMatch(/^Invalid event type: StopEvent \(a stop event ends a run/);
    r = await approve(id, { type: "HumanResponseEvent", value: { response: "x" } });
    expect(r.status).toBe(400);
    r = await approve(id, { type: "Drafted", value: { draft: "x" } });
    expect(r.status).toBe(200); // a step (review) accepts it: the run may take it
    r = await s.req(`/events/${id}`, { json: { event: { type: "Approval", value: { approved: true } }, step: "draft" } });
    expect(r.status).toBe(400);
    expect((await errorOf(r)).field).toBe("step");
    r = await s.req(`/events/${id}`, { json: { event: { type: "Approval", value: { approved: true } }, step: "nope" } });
    expect(await errorOf(r)).toMatchObject({ field: "step" });
    r = await s.req(`/events/${id}`, { method: "POST", body: "{" });
    expect(await errorOf(r)).toMatchObject({ field: "body" });
    r = await s.req("/events/does-not-exist", { json: { event: { type: "Approval", value: { approved: true } } } });
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ detail: "Handler not found" });
    expect((await s.req(`/handlers/${id}`)).status).toBe(202); // none of it ended the run
  });

  for (const [form, event, step] of [
    ["type and value", { type: "Approval", value: { approved: true, comment: "c" } }, undefined],
    ["a JSON string", JSON.stringify({ type: "Approval", value: { approved: true, comment: "c" } }), undefined],
    ["legacy data, with a step", { type: "Approval", data: { approved: true, comment: "c" } }, "finish"],
    ["qualified_name only (never imported)", { __is_pydantic: true, value: { approved: true, comment: "c" }, qualified_name: "__main__.Approval" }, undefined],
    ["the debugger's form", { value: { approved: true, comment: "c" }, qualified_name: "Approval", types: ["HumanResponseEvent"], type: "Approval" }, undefined],
  ] as const) {
    test(`send form: ${form}`, async () => {
      const { handler_id: id } = await startDemo();
      await asked(id);
      const r = await s.req(`/events/${id}`, { json: { event, ...(step ? { step } : {}) } });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ status: "sent" });
      const h = await until(async () => {
        const res = await s.req(`/handlers/${id}`);
        return res.status === 200 ? res.json() : undefined;
      });
      expect(h.result.value.result).toEqual({ draft: "Hello, Ada!", approved: true, comment: "c" });
      const results = await (await s.req(`/results/${id}`)).json();
      expect(results.result).toEqual({ draft: "Hello, Ada!", approved: true, comment: "c" });
      const after = await approve(id);
      expect(after.status).toBe(409);
      expect(await after.json()).toEqual({ detail: "Workflow already completed" });
    });
  }
});

describe("handlers and cancel", () => {
  test("cancel: 200 cancelled, then the handler is 500 cancelled; again 404; purge deletes", async () => {
    const { handler_id: id } = await startDemo();
    await asked(id);
    let r = await s.req(`/handlers/${id}/cancel`, { method: "POST" });
    expect(await r.json()).toEqual({ status: "cancelled" });
    r = await s.req(`/handlers/${id}`);
    expect(r.status).toBe(500);
    expect(await r.json()).toMatchObject({ status: "cancelled", error: null, result: null });
    const frames = sseFrames(await (await s.req(`/events/${id}?after_sequence=-1`)).text());
    expect(frames.at(-1)!.data).toEqual({ value: {}, qualified_name: "workflows.events.WorkflowCancelledEvent", type: "WorkflowCancelledEvent", types: ["StopEvent"] });
    expect((await s.req(`/handlers/${id}/cancel`, { method: "POST" })).status).toBe(404);
    r = await s.req(`/handlers/${id}/cancel?purge=true`, { method: "POST" });
    expect(await r.json()).toEqual({ status: "deleted" });
    expect((await s.req(`/handlers/${id}`)).status).toBe(404);
    expect((await s.req("/handlers/nope/cancel", { method: "POST" })).status).toBe(404);
  });

  test("a stream open on a run that is cancelled ends with the cancel event", async () => {
    const { handler_id: id } = await startDemo();
    await asked(id);
    const reading = s.req(`/events/${id}?after_sequence=3`).then((r) => r.text());
    await s.req(`/handlers/${id}/cancel?purge=true`, { method: "POST" });
    expect(sseFrames(await reading).map((f) => f.data.type)).toEqual(["WorkflowCancelledEvent"]);
  });

  test("list handlers, filtered by repeatable status and workflow_name; an unknown status gives []", async () => {
    await s.req("/workflows/trivial/run", { json: {} });
    await s.req("/workflows/boom/run", { json: {} });
    const all = (await (await s.req("/handlers")).json()).handlers as { status: string; workflow_name: string }[];
    expect(all.length).toBeGreaterThan(2);
    for (const h of all) expect(Object.keys(h).sort()).toEqual(HANDLER_KEYS);
    const some = (await (await s.req("/handlers?status=completed&status=failed&workflow_name=trivial&workflow_name=boom")).json()).handlers as typeof all;
    expect(some.length).toBeGreaterThan(1);
    expect(some.every((h) => ["completed", "failed"].includes(h.status) && ["trivial", "boom"].includes(h.workflow_name))).toBe(true);
    expect(some.length).toBe(all.filter((h) => ["completed", "failed"].includes(h.status) && ["trivial", "boom"].includes(h.workflow_name)).length);
    expect(await (await s.req("/handlers?status=bogus")).json()).toEqual({ handlers: [] });
  });
});
