// Output: `<spec>.client.ts`, a typed HTTP client for the workflow served by flowspec/server:
//   export type JokeFlowStart = Input<typeof spec.JokeRequested>;
//   export interface JokeFlowEvents { JokeProgress: Fields<spec.JokeProgress>; … }
//   export function createJokeFlowClient(options: ClientOptions): JokeFlowClient { … }
// It imports only types from the workflow's module and the runtime (erased when compiled), and the
// client from `flowspec/client` (web APIs only), so it bundles for the browser.

import type { SpecModel } from "../model.js";
import { normalizeSlashes } from "../paths.js";
import { header } from "./index.js";
import { literal } from "./escape.js";

export interface ClientEmitOptions {
  /** The spec's path, for the header and the default served name. */
  readonly specPath?: string;
  /** The workflow module's path (`generated/joke.ts`); the client sits beside it. */
  readonly outPath: string;
  readonly runtimeImport: string;
  /** Where the client library comes from (default `flowspec/client`). */
  readonly clientImport?: string;
}

/** `generated/joke.client.ts` for `generated/joke.ts`. */
export function clientPathFor(outPath: string): string {
  return outPath.replace(/\.ts$/, "") + ".client.ts";
}

/** The served name a generated client defaults to: the spec's file name without its extension. */
function defaultName(specPath: string | undefined, workflow: string): string {
  if (specPath === undefined) return workflow;
  const base = normalizeSlashes(specPath).split("/").pop()!;
  return base.replace(/\.ya?ml$/i, "");
}

export function emitClientModule(model: SpecModel, options: ClientEmitOptions): string {
  const w = model.workflow;
  const events = new Map(model.events.map((e) => [e.name, e]));
  let usesRuntime = false;
  let usesSpec = false;
  const ref = (name: string) => {
    if (events.get(name)?.builtin) {
      usesRuntime = true;
      return `runtime.${name}`;
    }
    usesSpec = true;
    return `spec.${name}`;
  };
  const emitted = new Set(model.steps.flatMap((s) => s.emits.map((r) => r.name)));
  const streamed = model.events.filter((e) => e.kind !== "start" && (e.kind !== "stop" || emitted.has(e.name))).map((e) => e.name);
  const stops = model.events.filter((e) => e.kind === "stop" && emitted.has(e.name)).map((e) => e.name);
  const accepted = new Set(model.steps.flatMap((s) => s.accepts.map((r) => r.name)));
  const sends = model.events.filter((e) => accepted.has(e.name) && e.kind !== "start" && e.kind !== "stop").map((e) => e.name);
  const members = (names: readonly string[], type: (name: string) => string) => (names.length === 0 ? "{}" : `{\n${names.map((n) => `  ${n}: ${type(n)};`).join("\n")}\n}`);
  const fields = (n: string) => `Fields<${ref(n)}>`;
  const input = (n: string) => `Input<typeof ${ref(n)}>`;
  const start = input(model.startEvent);
  const body = [
    `type Fields<E> = { [K in keyof E as K extends "toJSON" ? never : K]: E[K] };`,
    `type Input<C extends abstract new (...args: any) => any> = NonNullable<ConstructorParameters<C>[0]>;`,
    "",
    `/** The start event's fields (${model.startEvent}). */`,
    `export type ${w}Start = ${start};`,
    "",
    "/** What a run's stream carries, by event type: what steps write, input requests, then the stop event. */",
    `export interface ${w}Events ${members(streamed, fields)}`,
    "",
    "/** What a client may send to a run, by event type: events a step accepts (not the start or a stop event). */",
    `export interface ${w}Sends ${members(sends, input)}`,
    "",
    "/** The stop events a run can end with, by type. */",
    `export interface ${w}Results ${members(stops, fields)}`,
    "",
    `/** A typed client for ${w} (see flowspec/client's \`WorkflowClient\`). */`,
    `export type ${w}Client = WorkflowClient<${w}Start, ${w}Events, ${w}Sends, ${w}Results>;`,
    "",
    `/** A client for ${w} served by flowspec/server; \`name\` defaults to ${literal(defaultName(options.specPath, w))}, the spec's file name. */`,
    `export function create${w}Client(options: ClientOptions): ${w}Client {`,
    `  return createWorkflowClient({ ...options, name: options.name ?? ${literal(defaultName(options.specPath, w))} });`,
    "}",
  ];
  const moduleBase = normalizeSlashes(options.outPath).split("/").pop()!.replace(/\.ts$/, "");
  const imports = [
    `import { createWorkflowClient, type ClientOptions, type WorkflowClient } from ${literal(options.clientImport ?? "flowspec/client")};`,
    ...(usesRuntime ? [`import type * as runtime from ${literal(options.runtimeImport)};`] : []),
    ...(usesSpec ? [`import type * as spec from ${literal(`./${moduleBase}.js`)};`] : []),
  ];
  return [header(options.specPath), "", ...imports, "", ...body, ""].join("\n");
}
