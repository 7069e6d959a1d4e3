// Serving the fetch handler on Node's HTTP server, through @hono/node-server (loaded only here, so
// the fetch handler itself needs no Node module and mounts on any runtime).

import type { AddressInfo } from "node:net";

export interface ListenOptions {
  /** Default 8000 (the reference's); 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: only this machine. Pass 0.0.0.0 (and set a token) to serve a network. */
  readonly host?: string;
}

export interface ListeningServer {
  /** `http://<host>:<port>`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops accepting, ends open connections (event streams included) and resolves once closed. */
  close(): Promise<void>;
}

export async function listen(fetch: (request: Request) => Promise<Response>, options: ListenOptions = {}): Promise<ListeningServer> {
  const { createAdaptorServer } = await import("@hono/node-server");
  const host = options.host ?? "127.0.0.1";
  const server = createAdaptorServer({ fetch: (request: Request) => fetch(request), overrideGlobalObjects: false }) as import("node:http").Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8000, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    host,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
