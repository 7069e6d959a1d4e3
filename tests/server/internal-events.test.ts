// include_internal=true: live StepStateChanged events around each step attempt of a workflow
// constructed with a StepEvents' options, and WorkflowIdleEvent once the run waits for an outside
// event; they carry no SSE id (NDJSON: "sequence": null), so cursors are unchanged, and a reader
// without include_internal sees none.

import { afterAll, beforeAll, expect, test } from "vitest";
import { StepEvents } from "../../server/index.js";
import { DemoFlow } from "./support/flows.js";
import { Approval } from "./support/demo.js";
import { readUntil, serve, sseFrames, type Served } from "./support/http.js";

let s: Served;
beforeAll(async () => {
  const steps = new StepEvents();
  s = await serve({ workflows: { demo: new DemoFlow({ ...steps.options }) }, stepEvents: steps });
});
afterAll(() => s.close());

/** Every `data:` block of an SSE text, with its id (undefined when it has none). */
function blocks(text: string): { id: number | undefined; data: any }[] {
  return text
    .split("\n\n")
    .filter((b) => b.includes("data: "))
    .map((b) => {
      const id = /^id: (\d+)$/m.exec(b)?.[1];
      return { id: id === undefined ? undefined : Number(id), data: JSON.parse(/^data: (.*)$/m.exec(b)![1]!) };
    });
}

test("a live reader with include_internal sees each step start and finish around the public events, whose ids do not move", async () => {
  const { handler_id: id } = await (await s.req("/workflows/demo/run-nowait", { json: { start_event: { name: "Ada", count: 1 } } })).json();
  await readUntil(await s.req(`/events/${id}?after_sequence=-1`), (t) => t.includes('"AskApproval"'));
  // A reader follows the run from the moment its response headers arrive.
  const [a, b, c] = await Promise.all([
    s.req(`/events/${id}?after_sequence=1&include_internal=true`),
    s.req(`/events/${id}?after_sequence=1`),
    s.req(`/events/${id}?after_sequence=1&include_internal=true&sse=false`),
  ]);
  const [withInternal, without, ndjson] = [a.text(), b.text(), c.text()];
  await s.req(`/events/${id}`, { json: { event: { type: "Approval", value: { approved: true } } } });
  const got = blocks(await withInternal);
  expect(got.map((b) => [b.id, b.data.type, b.data.value.name ?? null, b.data.value.step_state ?? null])).toEqual([
    [undefined, "StepStateChanged", "finish", "running"],
    [2, "Progress", null, null],
    [undefined, "StepStateChanged", "finish", "not_running"],
    [3, "StopEvent", null, null],
  ]);
  expect(got[0]!.data).toEqual({
    value: { name: "finish", step_state: "running", worker_id: "0", input_event_name: "Approval", output_event_name: null },
    qualified_name: "workflows.events.StepStateChanged",
    type: "StepStateChanged",
    types: ["InternalDispatchEvent"],
  });
  expect(got[2]!.data.value.output_event_name).toBe("StopEvent");
  expect(sseFrames(await without).map((f) => [f.id, f.data.type])).toEqual([
    [2, "Progress"],
    [3, "StopEvent"],
  ]);
  const lines = (await ndjson).trim().split("\n").map((l) => JSON.parse(l));
  expect(lines.map((l) => [l.sequence, l.type])).toEqual([
    [null, "StepStateChanged"],
    [2, "Progress"],
    [null, "StepStateChanged"],
    [3, "StopEvent"],
  ]);
});

test("StepEvents: each attempt's start and end, then WorkflowIdleEvent once the run waits for the human; none after it ends", async () => {
  const steps = new StepEvents();
  const flow = new DemoFlow({ ...steps.options });
  const handler = flow.run({ name: "Ada", count: 0 }, { runId: "idle-1" });
  const seen: string[] = [];
  let idle: () => void;
  const idled = new Promise<void>((resolve) => (idle = resolve));
  steps.listen(
    "idle-1",
    (env) => {
      const v = env.value as { name?: string; step_state?: string };
      seen.push(env.type === "StepStateChanged" ? `${v.name} ${v.step_state}` : env.type);
      if (env.type === "WorkflowIdleEvent") idle();
    },
    () => handler.status === "waiting",
  );
  await idled;
  expect(seen).toEqual(["draft running", "draft not_running", "review running", "review not_running", "WorkflowIdleEvent"]);
  handler.ctx.sendEvent(new Approval({ approved: true }));
  await handler;
  await new Promise((resolve) => setImmediate(resolve)); // where an idle check would run
  expect(seen.slice(5)).toEqual(["finish running", "finish not_running"]);
});
