// Auth, CORS, limits and readers: the bearer token and authorize hook, CORS off by default and
// never "any origin with credentials", the body-size limit, the open-stream limit (and a reader
// that disconnects freeing its slot), 1,000 concurrent SSE readers of one run, retention.

import { request as httpRequest, Agent } from "node:http";
import { afterEach, describe, expect, test } from "vitest";
import { createServer } from "../../server/index.js";
import { DemoFlow, TrivialFlow } from "./support/flows.js";
import { readUntil, serve, sseFrames, until, type Served } from "./support/http.js";

let open: Served[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});
async function served(options: Parameters<typeof serve>[0]) {
  const s = await serve(options);
  open.push(s);
  return s;
}

describe("auth", () => {
  test("a bearer token: 401 without it or with a wrong one (WWW-Authenticate: Bearer), through with it", async () => {
    const s = await served({ workflows: { trivial: new TrivialFlow() }, token: "s3cret-token" });
    let r = await s.req("/workflows");
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await r.json()).toMatchObject({ field: "Authorization" });
    r = await s.req("/workflows", { headers: { authorization: "Bearer s3cret-tokeN" } });
    expect(r.status).toBe(401);
    r = await s.req("/workflows", { headers: { authorization: "Bearer s3cret" } });
    expect(r.status).toBe(401);
    r = await s.req("/workflows/trivial/run", { json: {}, headers: { authorization: "Bearer s3cret-token" } });
    expect(r.status).toBe(200);
    expect((await s.req("/events/x", { headers: { authorization: "Basic s3cret-token" } })).status).toBe(401);
  });

  test("authorize(request): false is 403, a Response is sent as it is, true goes on; it sees the request", async () => {
    const seen: string[] = [];
    const s = await served({
      workflows: { trivial: new TrivialFlow() },
      authorize: async (req) => {
        seen.push(new URL(req.url).pathname);
        const who = req.headers.get("x-user");
        if (who === "teapot") return new Response("no", { status: 418 });
        return who === "ada";
      },
    });
    expect((await s.req("/workflows")).status).toBe(403);
    expect(await (await s.req("/workflows")).json()).toEqual({ detail: "Forbidden" });
    expect((await s.req("/workflows", { headers: { "x-user": "teapot" } })).status).toBe(418);
    expect((await s.req("/workflows", { headers: { "x-user": "ada" } })).status).toBe(200);
    expect(seen).toContain("/workflows");
  });
});

describe("CORS", () => {
  test("off by default: no CORS headers on a preflight or a request", async () => {
    const s = await served({ workflows: { trivial: new TrivialFlow() } });
    const pre = await s.req("/workflows/trivial/run-nowait", { method: "OPTIONS", headers: { origin: "http://example.test", "access-control-request-method": "POST" } });
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const r = await s.req("/workflows", { headers: { origin: "http://example.test" } });
    expect(r.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("configured: listed origins only, with credentials when asked; preflights pass the token check", async () => {
    const s = await served({ workflows: { trivial: new TrivialFlow() }, token: "t", cors: { origin: ["http://app.test"], credentials: true } });
    const pre = await s.req("/workflows/trivial/run-nowait", { method: "OPTIONS", headers: { origin: "http://app.test", "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" } });
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers.get("access-control-allow-origin")).toBe("http://app.test");
    expect(pre.headers.get("access-control-allow-credentials")).toBe("true");
    const other = await s.req("/workflows", { headers: { origin: "http://evil.test", authorization: "Bearer t" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const ok = await s.req("/workflows", { headers: { origin: "http://app.test", authorization: "Bearer t" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://app.test");
  });

  test('"*" with credentials is refused at construction', () => {
    expect(() => createServer({ workflows: {}, cors: { origin: "*", credentials: true } })).toThrow(/credentials/);
  });
});

describe("limits", () => {
  test("a body over the limit is 413 naming body, by Content-Length and when streamed without one", async () => {
    const s = await served({ workflows: { demo: new DemoFlow() }, limits: { bodyBytes: 100 } });
    const big = JSON.stringify({ start_event: { name: "x".repeat(200) } });
    let r = await s.req("/workflows/demo/run-nowait", { method: "POST", body: big, headers: { "content-type": "application/json" } });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ field: "body" });
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    r = await s.req("/workflows/demo/run-nowait", { method: "POST", body: chunked, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    expect(r.status).toBe(413);
    r = await s.req("/workflows/demo/run-nowait", { json: { start_event: { name: "ok" } } });
    expect(r.status).toBe(200);
  });

  test("open streams are capped (503); a reader that disconnects mid-stream frees its slot and the run goes on", async () => {
    const s = await served({ workflows: { demo: new DemoFlow() }, limits: { streams: 1 } });
    const { handler_id: id } = await (await s.req("/workflows/demo/run-nowait", { json: { start_event: { name: "Ada" } } })).json();
    const abort = new AbortController();
    const first = await s.req(`/events/${id}?after_sequence=-1`, { signal: abort.signal });
    const reader = first.body!.getReader();
    await reader.read(); // mid-stream: the run waits for a human, the stream stays open
    const second = await s.req(`/events/${id}?after_sequence=-1`);
    expect(second.status).toBe(503);
    abort.abort(); // the client goes away
    const third = await until(async () => {
      const r = await s.req(`/events/${id}?after_sequence=-1`);
      if (r.status === 503) return undefined;
      return r;
    });
    expect(third.status).toBe(200);
    await s.req(`/events/${id}`, { json: { event: { type: "Approval", value: { approved: true } } } });
    expect(sseFrames(await third.text()).at(-1)!.data.type).toBe("StopEvent");
  });

  test("failedRunStatus: 200 answers a failed run with 200 and its status", async () => {
    const s = await served({ workflows: { boom: new TrivialFlow({ fail: true }) }, failedRunStatus: 200 });
    const r = await s.req("/workflows/boom/run", { json: {} });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: "failed", error: "kaboom: deliberate failure" });
  });

  test("retention: only the most recent finished runs are kept", async () => {
    const s = await served({ workflows: { trivial: new TrivialFlow() }, retention: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await (await s.req("/workflows/trivial/run", { json: {} })).json()).handler_id);
    await until(async () => ((await (await s.req("/handlers")).json()).handlers.length === 3 ? true : undefined));
    const kept = (await (await s.req("/handlers")).json()).handlers.map((h: { handler_id: string }) => h.handler_id);
    expect(kept).toEqual(ids.slice(3));
    expect((await s.req(`/handlers/${ids[0]}`)).status).toBe(404);
  });
});

test("1,000 concurrent SSE readers of one run each read the whole stream, once, in order", async () => {
  const s = await served({ workflows: { demo: new DemoFlow() } });
  const { handler_id: id } = await (await s.req("/workflows/demo/run-nowait", { json: { start_event: { name: "Ada", count: 5 } } })).json();
  await readUntil(await s.req(`/events/${id}?after_sequence=-1`), (t) => t.includes('"AskApproval"'));
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const url = new URL(`${s.url}/events/${id}?after_sequence=-1`);
  let headersIn = 0;
  const readers = Array.from(
    { length: 1000 },
    () =>
      new Promise<string>((resolve, reject) => {
        const req = httpRequest(url, { agent }, (res) => {
          headersIn++;
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve(text));
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end();
      }),
  );
  await until(() => (headersIn === 1000 ? true : undefined));
  await s.req(`/events/${id}`, { json: { event: { type: "Approval", value: { approved: true } } } });
  const texts = await Promise.all(readers);
  agent.destroy();
  const expected = [0, 1, 2, 3, 4, 5, 6, 7];
  for (const text of texts) expect(sseFrames(text).map((f) => f.id)).toEqual(expected);
  expect(new Set(texts).size).toBe(1);
}, 60_000);

test('handlerIds: "idempotent": a start retried with the same handler_id returns the run it started, and starts nothing', async () => {
  const s = await served({ workflows: { demo: new DemoFlow(), trivial: new TrivialFlow() }, handlerIds: "idempotent" });
  const first = await (await s.req("/workflows/demo/run-nowait", { json: { handler_id: "retry-1", start_event: { name: "Ada" } } })).json();
  const again = await s.req("/workflows/demo/run-nowait", { json: { handler_id: "retry-1", start_event: { name: "Ada" } } });
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ handler_id: "retry-1", run_id: first.run_id, status: "running" });
  const done = await (await s.req("/workflows/trivial/run", { json: { handler_id: "retry-2" } })).json();
  const doneAgain = await (await s.req("/workflows/trivial/run", { json: { handler_id: "retry-2" } })).json();
  expect(doneAgain).toEqual(done);
  expect((await s.req("/workflows/trivial/run", { json: { handler_id: "retry-1" } })).status).toBe(409); // another workflow's run
  expect((await (await s.req("/handlers")).json()).handlers).toHaveLength(2);
});
