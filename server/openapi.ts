// GET /openapi.json: an OpenAPI 3.1 document of this server, typed from the specs. Each served
// workflow gets its own run routes, whose request body is its start event's schema, and three
// unions keyed on `type`: `<name>.Result` (its stop events), `<name>.Event` (every event its
// stream may carry) and `<name>.Send` (what a client may send to its runs).

import type { EventClass } from "../runtime/index.js";
import { qualifiedNameOf, typesOf } from "./envelope.js";
import { eventSchema, type ServedWorkflow } from "./workflows.js";

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: Schema) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: jsonContent(ref("Error")) });

/** A component-safe name (`^[A-Za-z0-9._-]+$`). */
const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_");

function envelope(workflow: string, cls: EventClass): Schema {
  const types = typesOf(cls);
  return {
    type: "object",
    title: cls.typeName,
    properties: {
      type: { const: cls.typeName },
      value: eventSchema(cls),
      qualified_name: { type: ["string", "null"], examples: [qualifiedNameOf(workflow, cls)] },
      types: types === null ? { type: "null" } : { type: "array", items: { type: "string" }, examples: [types] },
    },
    required: ["type", "value"],
  };
}

function union(workflow: string, classes: readonly EventClass[], prefix: string): Schema {
  if (classes.length === 0) return { not: {} };
  const mapping: Record<string, string> = {};
  for (const cls of classes) mapping[cls.typeName] = `#/components/schemas/${prefix}.${safe(cls.typeName)}`;
  return { oneOf: classes.map((cls) => ref(`${prefix}.${safe(cls.typeName)}`)), discriminator: { propertyName: "type", mapping } };
}

const HANDLER: Schema = {
  type: "object",
  required: ["handler_id", "workflow_name", "run_id", "error", "result", "status", "started_at", "updated_at", "completed_at"],
  properties: {
    handler_id: { type: "string" },
    workflow_name: { type: "string" },
    run_id: { type: "string" },
    error: { type: ["string", "null"] },
    result: { oneOf: [{ type: "null" }, { $ref: "#/components/schemas/EventEnvelope" }] },
    status: { enum: ["running", "completed", "failed", "cancelled"] },
    started_at: { type: "string", format: "date-time" },
    updated_at: { type: "string", format: "date-time" },
    completed_at: { type: ["string", "null"], format: "date-time" },
  },
};

const ENVELOPE: Schema = {
  type: "object",
  required: ["value", "qualified_name", "type", "types"],
  properties: { value: {}, qualified_name: { type: ["string", "null"] }, type: { type: "string" }, types: { type: ["array", "null"], items: { type: "string" } } },
};

const ERROR: Schema = {
  type: "object",
  required: ["detail"],
  properties: { detail: { type: "string" }, field: { type: "string", description: "The request field at fault." }, accepted: { type: "array", items: { type: "string" } } },
};

const handlerResponses = {
  "200": { description: "Completed", content: jsonContent(ref("Handler")) },
  "202": { description: "Still running", content: jsonContent(ref("Handler")) },
  "404": error("Unknown handler"),
  "500": { description: "Failed or cancelled (the body is the Handler; `failedRunStatus: 200` answers 200 instead)", content: jsonContent(ref("Handler")) },
};

const id = { name: "handler_id", in: "path", required: true, schema: { type: "string" } };
const query = (name: string, schema: Schema, description: string) => ({ name, in: "query", required: false, schema, description });

/** The document for these workflows. */
export function openApiDocument(served: ReadonlyMap<string, ServedWorkflow>): Schema {
  const schemas: Record<string, Schema> = { Handler: HANDLER, HandlersList: { type: "object", required: ["handlers"], properties: { handlers: { type: "array", items: ref("Handler") } } }, EventEnvelope: ENVELOPE, Error: ERROR };
  const paths: Record<string, Schema> = {
    "/health": { get: { operationId: "getHealth", responses: { "200": { description: "Healthy", content: jsonContent({ type: "object", properties: { status: { const: "healthy" } } }) } } } },
    "/workflows": { get: { operationId: "getWorkflows", responses: { "200": { description: "Served workflows", content: jsonContent({ type: "object", required: ["workflows"], properties: { workflows: { type: "array", items: { enum: [...served.keys()] } } } }) } } } },
    "/handlers": {
      get: {
        operationId: "getHandlers",
        parameters: [query("status", { type: "array", items: { type: "string" } }, "Repeatable"), query("workflow_name", { type: "array", items: { type: "string" } }, "Repeatable")],
        responses: { "200": { description: "Handlers", content: jsonContent(ref("HandlersList")) } },
      },
    },
    "/handlers/{handler_id}": { get: { operationId: "getHandler", parameters: [id], responses: handlerResponses } },
    "/results/{handler_id}": { get: { operationId: "getResult", deprecated: true, parameters: [id], responses: handlerResponses } },
    "/handlers/{handler_id}/cancel": {
      post: {
        operationId: "cancelHandler",
        parameters: [id, query("purge", { type: "boolean" }, "Also forget the handler")],
        responses: { "200": { description: "Cancelled or deleted", content: jsonContent({ type: "object", properties: { status: { enum: ["cancelled", "deleted"] } } }) }, "404": error("Unknown handler, or finished (without purge)") },
      },
    },
    "/events/{handler_id}": {
      get: {
        operationId: "getEvents",
        parameters: [
          id,
          query("sse", { type: "boolean", default: true }, "Server-Sent Events (true) or NDJSON (false)"),
          query("after_sequence", { oneOf: [{ type: "integer", minimum: -1 }, { const: "now" }], default: "now" }, "-1: from the start; now: only new events; N: after sequence N"),
          query("include_internal", { type: "boolean", default: false }, "Also live StepStateChanged and WorkflowIdleEvent events (no id), when the server has stepEvents"),
          query("include_qualified_name", { type: "boolean", default: true }, ""),
          { name: "Last-Event-ID", in: "header", required: false, schema: { type: "string" }, description: "SSE: overrides after_sequence" },
        ],
        responses: {
          "200": { description: "The stream", content: { "text/event-stream": { schema: { type: "string" } }, "application/x-ndjson": { schema: { type: "string" } } } },
          "204": { description: "The run ended and nothing is left after the cursor" },
          "400": error("Bad cursor or flag"),
          "404": error("Unknown handler"),
        },
      },
      post: {
        operationId: "sendEvent",
        parameters: [id],
        requestBody: { required: true, content: jsonContent({ type: "object", required: ["event"], properties: { event: { oneOf: [ref("EventEnvelope"), { type: "string" }] }, step: { type: "string" } } }) },
        responses: { "200": { description: "Sent", content: jsonContent({ type: "object", properties: { status: { const: "sent" } } }) }, "400": error("Unknown, refused or invalid event"), "404": error("Unknown handler"), "409": error("The run has finished") },
      },
    },
  };
  for (const [name, w] of served) {
    const p = safe(name);
    const wf = w.definition.name;
    const all = [...w.events.values()].filter((c) => c.kind !== "start");
    for (const cls of all) schemas[`${p}.${safe(cls.typeName)}`] = envelope(wf, cls);
    schemas[`${p}.Start`] = eventSchema(w.definition.startEvent);
    schemas[`${p}.Result`] = union(wf, w.stopEvents, p);
    schemas[`${p}.Event`] = union(wf, all, p);
    schemas[`${p}.Send`] = union(wf, all.filter((c) => w.sendable.includes(c.typeName)), p);
    const body = {
      required: true,
      content: jsonContent({
        type: "object",
        properties: {
          start_event: { oneOf: [ref(`${p}.Start`), { type: "object", required: ["type", "value"], properties: { type: { const: w.definition.startEvent.typeName }, value: ref(`${p}.Start`) } }] },
          kwargs: ref(`${p}.Start`),
          handler_id: { type: "string", pattern: "^[A-Za-z0-9_-]{1,128}$" },
          context: { type: "object", maxProperties: 0 },
        },
      }),
    };
    const base = `/workflows/${encodeURIComponent(name)}`;
    const runErrors = { "400": error("Malformed JSON or an invalid start event"), "409": error("handler_id is running") };
    paths[`${base}/run`] = { post: { operationId: `run_${p}`, summary: `Run ${wf} and wait`, requestBody: body, responses: { "200": { description: "Completed", content: jsonContent(ref("Handler")) }, "500": { description: "Failed or cancelled", content: jsonContent(ref("Handler")) }, ...runErrors } } };
    paths[`${base}/run-nowait`] = { post: { operationId: `runNowait_${p}`, summary: `Start ${wf}`, requestBody: body, responses: { "200": { description: "Started", content: jsonContent(ref("Handler")) }, ...runErrors } } };
    paths[`${base}/schema`] = { get: { operationId: `schema_${p}`, responses: { "200": { description: "Start and stop schemas", content: jsonContent({ type: "object", properties: { start: {}, stop: {} } }) } } } };
    paths[`${base}/events`] = { get: { operationId: `events_${p}`, responses: { "200": { description: "Event schemas", content: jsonContent({ type: "object", properties: { events: { type: "array" } } }) } } } };
    paths[`${base}/representation`] = { get: { operationId: `representation_${p}`, responses: { "200": { description: "The graph", content: jsonContent({ type: "object", properties: { graph: { type: "object" } } }) } } } };
  }
  return {
    openapi: "3.1.0",
    info: { title: "flowspec server", version: "1", description: "The workflow server protocol of LlamaIndex's llama-agents-server, typed from flowspec specs." },
    paths,
    components: { schemas },
  };
}
