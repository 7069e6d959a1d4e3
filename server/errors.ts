// Errors the server answers with. Every error body is the reference's `{"detail": "<text>"}`; a
// client mistake also names the request field at fault (`field`: `start_event.count`,
// `after_sequence`, `Last-Event-ID`, …), and a refused send lists the events the run accepts.

/** A request the server refuses: status, the reference's `detail`, and the field at fault. */
export class ClientError extends Error {
  override readonly name = "ClientError";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503,
    readonly detail: string,
    readonly field?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
  }

  /** The JSON body: `{ detail, field?, …extra }`. */
  body(): Record<string, unknown> {
    return { detail: this.detail, ...(this.field !== undefined ? { field: this.field } : {}), ...this.extra };
  }
}

/** A JSON response (the reference sends `application/json` without a charset). */
export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function notFound(what: "Handler" | "Workflow"): ClientError {
  return new ClientError(404, `${what} not found`);
}
