// flowspec/server: serve workflows over HTTP, wire-compatible with LlamaIndex's workflow server.
// See docs/server.md.

export { createServer } from "./create-server.js";
export { StepEvents } from "./step-events.js";
export type { FlowspecServer } from "./create-server.js";
export type { ServerOptions, CorsOptions, ServerLimits, AuthorizeResult } from "./options.js";
export type { ListenOptions, ListeningServer } from "./listen.js";
export type { HandlerJSON, HandlerStatus } from "./runs.js";
export type { Envelope } from "./envelope.js";
export type { SkippedRun } from "./restore.js";
