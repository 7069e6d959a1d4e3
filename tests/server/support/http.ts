// Helpers for the server tests: a served app on a loopback port, JSON requests, and stream readers.

import { createServer, type ServerOptions, type ListeningServer, type FlowspecServer } from "../../../server/index.js";

/** A response whose JSON the tests read untyped. */
export type JsonResponse = Omit<Response, "json"> & { json(): Promise<any> };

export interface Served {
  readonly server: FlowspecServer;
  readonly http: ListeningServer;
  readonly url: string;
  /** fetch relative to the server. */
  req(path: string, init?: RequestInit & { json?: unknown }): Promise<JsonResponse>;
  close(): Promise<void>;
}

export async function serve(options: ServerOptions): Promise<Served> {
  const server = createServer(options);
  const http = await server.listen({ port: 0 });
  const req = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    return fetch(http.url + path, json === undefined ? rest : { method: "POST", ...rest, body: JSON.stringify(json), headers: { "content-type": "application/json", ...(rest.headers as Record<string, string>) } }) as Promise<JsonResponse>;
  };
  return { server, http, url: http.url, req, close: () => http.close() };
}

/** Reads a response body until `until(textSoFar)` holds or the body ends, then cancels it. */
export async function readUntil(response: { readonly body: ReadableStream<Uint8Array> | null }, until: (text: string) => boolean): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += value;
    if (until(text)) {
      await reader.cancel();
      return text;
    }
  }
}

/** The SSE frames of a text: `{ id, data }` per `id:`/`data:` block; comments counted apart. */
export function sseFrames(text: string): { id: number; data: any }[] {
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("id: "))
    .map((block) => {
      const lines = block.split("\n");
      if (lines.length !== 2 || !lines[1]!.startsWith("data: ")) throw new Error(`not one id: and one data: line: ${JSON.stringify(block)}`);
      return { id: Number(lines[0]!.slice(4)), data: JSON.parse(lines[1]!.slice(6)) };
    });
}

/** Polls `check` until it returns a value other than undefined (bounded by the test's timeout). */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, everyMs = 10): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
