// `flowspec serve <module> [--port N] [--host H]`: serves the workflows a module exports over HTTP
// (flowspec/server), until SIGINT or SIGTERM.
//
// The module is imported as it is (built JavaScript; TypeScript only where Node runs it). What it
// exports: either a default export `{ workflows: { name: flow, … }, …server options }`, or workflow
// instances as named exports (served under the export's name), with an optional `journal` export
// (the journal they were constructed with, so runs survive a restart). The bearer token comes from
// FLOWSPEC_SERVER_TOKEN, never from a flag (flags show in `ps`).

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createServer, type ServerOptions } from "../../server/index.js";
import { parseArgs } from "./args.js";
import type { Command, CommandIO } from "./types.js";

const SERVE_USAGE = `usage: flowspec serve <module> [--port N] [--host H]

Serves the workflows a module exports, with the HTTP protocol of LlamaIndex's workflow server
(docs/server.md). The module default-exports { workflows: { name: flow }, ...options }, or exports
workflow instances by name (and optionally the \`journal\` they use). Binds 127.0.0.1:8000 by default.
Set FLOWSPEC_SERVER_TOKEN to require "Authorization: Bearer <token>".
`;

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function isWorkflow(value: unknown): boolean {
  const ctor = (value as { constructor?: { definition?: { name?: unknown } } } | null)?.constructor;
  return typeof (value as { run?: unknown } | null)?.run === "function" && typeof ctor?.definition?.name === "string";
}

/** The server options a module's exports describe, or a message saying why there are none. */
export function optionsFromModule(mod: Record<string, unknown>): ServerOptions | string {
  const dflt = mod.default as Record<string, unknown> | undefined;
  if (dflt !== null && typeof dflt === "object" && typeof dflt.workflows === "object" && dflt.workflows !== null && !isWorkflow(dflt)) return dflt as unknown as ServerOptions;
  const workflows: Record<string, ServerOptions["workflows"][string]> = {};
  for (const [name, value] of Object.entries(mod)) if (isWorkflow(value)) workflows[name] = value as ServerOptions["workflows"][string];
  if (Object.keys(workflows).length === 0) return "exports no workflow instance (export const joke = new JokeFlow(), or a default { workflows: { … } })";
  const journal = mod.journal as ServerOptions["journal"];
  return journal !== undefined ? { workflows, journal } : { workflows };
}

/** Serves until `signal` aborts; resolves to the exit status. */
export async function serveModule(args: string[], io: CommandIO, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { flags, positionals } = parseArgs(args, {
    flags: { port: { type: "string", default: "8000" }, host: { type: "string", default: "127.0.0.1" }, help: { type: "boolean", short: "h" } },
    positionals: { min: 0, max: 1, name: "module" },
  });
  if (flags.help) {
    io.stdout.write(SERVE_USAGE);
    return 0;
  }
  const [modulePath] = positionals;
  if (modulePath === undefined) {
    io.stderr.write(`flowspec serve: missing the <module> argument\n${SERVE_USAGE}`);
    return 2;
  }
  const port = Number(flags.port);
  if (!/^\d{1,5}$/.test(flags.port) || port > 65535) {
    io.stderr.write(`flowspec serve: --port must be a port number (0-65535), not '${flags.port}'\n`);
    return 2;
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(io.cwd, modulePath)).href)) as Record<string, unknown>;
  } catch (error) {
    io.stderr.write(`flowspec serve: cannot load ${modulePath}: ${(error as Error).message}\n`);
    return 2;
  }
  const options = optionsFromModule(mod);
  if (typeof options === "string") {
    io.stderr.write(`flowspec serve: ${modulePath} ${options}\n`);
    return 2;
  }
  const token = env.FLOWSPEC_SERVER_TOKEN;
  let server;
  try {
    server = createServer(token ? { ...options, token } : options);
  } catch (error) {
    io.stderr.write(`flowspec serve: ${(error as Error).message}\n`);
    return 2;
  }
  let http;
  try {
    http = await server.listen({ port, host: flags.host });
  } catch (error) {
    io.stderr.write(`flowspec serve: cannot listen on ${flags.host}:${port}: ${(error as Error).message}\n`);
    return 2;
  }
  await server.ready;
  for (const skipped of server.skipped) io.stderr.write(`flowspec serve: run ${skipped.runId} not resumed: ${skipped.error.message}\n`);
  if (!LOOPBACK.has(flags.host) && !token && options.token === undefined && options.authorize === undefined) {
    io.stderr.write(`flowspec serve: warning: listening on ${flags.host} with no FLOWSPEC_SERVER_TOKEN: anyone who can reach it can start runs\n`);
  }
  io.stdout.write(`flowspec serve: ${Object.keys(options.workflows).join(", ")} on ${http.url}\n`);
  if (!signal.aborted) await new Promise((done) => signal.addEventListener("abort", done, { once: true }));
  await http.close();
  return 0;
}

export const serveCommand: Command = async (args, io) => {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const code = await serveModule(args, io, stop.signal);
    // Runs still going in memory (a run's timeout timer, a journal's lease renewal) would keep the
    // process alive after the server closed: exit shortly if anything still holds the event loop.
    if (stop.signal.aborted) setTimeout(() => process.exit(code), 500).unref();
    return code;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
};
