// GET /openapi.json: a valid OpenAPI 3.1 document (checked with a real validator), typed from the
// specs, whose schemas the server's own answers satisfy.

import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DemoFlow, TrivialFlow } from "./support/flows.js";
import { readUntil, serve, sseFrames, type Served } from "./support/http.js";

let s: Served;
let doc: any;
beforeAll(async () => {
  s = await serve({ workflows: { demo: new DemoFlow(), trivial: new TrivialFlow() } });
  const r = await s.req("/openapi.json");
  expect(r.status).toBe(200);
  doc = await r.json();
});
afterAll(() => s.close());

test("validates as OpenAPI 3.1", async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe("3.1");
  const broken = structuredClone(doc);
  broken.paths["/handlers/{handler_id}"].get.responses["200"].content["application/json"].schema = { $ref: "#/components/schemas/Nope" };
  expect((await new Validator().validate(broken)).valid).toBe(false);
});

test("each workflow has typed run routes and unions keyed on type", () => {
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/workflows/demo/run", "/workflows/demo/run-nowait", "/workflows/trivial/run", "/events/{handler_id}", "/handlers/{handler_id}"]));
  const schemas = doc.components.schemas;
  expect(schemas["demo.Start"]).toMatchObject({ title: "GreetStart", required: ["name"] });
  expect(schemas["demo.Send"].discriminator.propertyName).toBe("type");
  expect(Object.keys(schemas["demo.Send"].discriminator.mapping).sort()).toEqual(["Approval", "Drafted"]);
  expect(Object.keys(schemas["trivial.Result"].discriminator.mapping).sort()).toEqual(["Done", "StopEvent"]);
  expect(Object.keys(schemas["demo.Event"].discriminator.mapping).sort()).toEqual(["Approval", "AskApproval", "Drafted", "Progress", "StopEvent"]);
});

test("the server's answers satisfy the document's schemas; a wrong payload does not", async () => {
  const ajv = new Ajv2020.default({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: "doc", components: doc.components });
  const check = (name: string, value: unknown) => ajv.validate({ $ref: `doc#/components/schemas/${name}` }, value);
  expect(check("demo.Start", { name: "Ada" })).toBe(true);
  expect(check("demo.Start", { count: 1 })).toBe(false);
  const { handler_id } = await (await s.req("/workflows/demo/run-nowait", { json: { start_event: { name: "Ada" } } })).json();
  const frames = sseFrames(await readUntil(await s.req(`/events/${handler_id}?after_sequence=-1`), (t) => t.includes('"AskApproval"')));
  for (const f of frames) expect(check("demo.Event", f.data), JSON.stringify(f.data)).toBe(true);
  expect(check("demo.Send", { type: "Approval", value: { approved: true } })).toBe(true);
  expect(check("demo.Send", { type: "Approval", value: { approved: "yes" } })).toBe(false);
  expect(check("demo.Send", { type: "StopEvent", value: { result: 1 } })).toBe(false);
  const done = await (await s.req("/workflows/trivial/run", { json: {} })).json();
  expect(check("Handler", done)).toBe(true);
  expect(check("trivial.Result", done.result)).toBe(true);
  expect(check("Handler", { ...done, status: "weird" })).toBe(false);
  expect(check("HandlersList", await (await s.req("/handlers")).json())).toBe(true);
});
