// The served examples of the docs (examples/server/workflows.ts) run as docs/server.md shows, and a
// run that times out ends its stream with WorkflowTimedOutEvent.

import { afterAll, beforeAll, expect, test } from "vitest";
import * as examples from "../../examples/server/workflows.js";
import { optionsFromModule } from "../../compiler/commands/serve.js";
import { DemoFlow } from "./support/flows.js";
import { readUntil, serve, sseFrames, type Served } from "./support/http.js";

let s: Served;
beforeAll(async () => {
  const options = optionsFromModule(examples as unknown as Record<string, unknown>);
  if (typeof options === "string") throw new Error(options);
  s = await serve({ ...options, workflows: { ...options.workflows, slow: new DemoFlow({ timeout: 0.05 }) } });
});
afterAll(() => s.close());

test("joke runs and stops with its custom stop event; hitl asks, takes the answer, stops", async () => {
  expect((await (await s.req("/workflows")).json()).workflows.sort()).toEqual(["hitl", "joke", "slow"]);
  const joke = await (await s.req("/workflows/joke/run", { json: { start_event: { topic: "pirates" } } })).json();
  expect(joke).toMatchObject({ status: "completed", result: { type: "CritiqueReady", types: ["StopEvent"], qualified_name: "JokeFlow.CritiqueReady", value: { critique: { score: 7 } } } });
  const { handler_id: id } = await (await s.req("/workflows/hitl/run-nowait", { json: {} })).json();
  const asked = sseFrames(await readUntil(await s.req(`/events/${id}?after_sequence=-1`), (t) => t.includes("InputRequiredEvent")));
  expect(asked[0]!.data).toEqual({ value: { prefix: "Enter a number: " }, qualified_name: "workflows.events.InputRequiredEvent", type: "InputRequiredEvent", types: null });
  expect((await s.req(`/events/${id}`, { json: { event: { type: "HumanResponseEvent", value: { response: "42" } } } })).status).toBe(200);
  const frames = sseFrames(await (await s.req(`/events/${id}?after_sequence=0`)).text());
  expect(frames).toEqual([{ id: 1, data: { value: { result: "got 42" }, qualified_name: "workflows.events.StopEvent", type: "StopEvent", types: null } }]);
});

test("a run that times out is failed, with the timeout's message, and its stream ends with WorkflowTimedOutEvent", async () => {
  const r = await s.req("/workflows/slow/run", { json: { start_event: { name: "Ada" } } });
  expect(r.status).toBe(500);
  const h = await r.json();
  expect(h.status).toBe("failed");
  expect(h.error).toMatch(/time/i);
  const frames = sseFrames(await (await s.req(`/events/${h.handler_id}?after_sequence=-1`)).text());
  expect(frames.at(-1)!.data).toMatchObject({ type: "WorkflowTimedOutEvent", types: ["StopEvent"], value: { timeout: 0.05 } });
});
