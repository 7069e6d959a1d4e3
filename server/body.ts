// Reading a JSON request body under a size limit.

import { ClientError } from "./errors.js";

/** The body as text, refused with 413 past `limit` bytes (by Content-Length, or while reading). */
export async function readText(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  // A declared length within the limit: the HTTP layer delivers exactly that many bytes, so read it
  // whole (Node's adapter then skips building a web stream). Otherwise count while reading.
  if (declared !== null && /^\d+$/.test(declared)) return request.text();
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.byteLength) - c.byteLength);
  return new TextDecoder().decode(all);
}

function tooLarge(limit: number): ClientError {
  return new ClientError(413, `Request body too large: the limit is ${limit} bytes`, "body");
}

/** The body as a JSON object: 400 naming `body` when it is empty, not JSON, or not an object. */
export async function readJsonObject(request: Request, limit: number): Promise<Record<string, unknown>> {
  const text = await readText(request, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = text.trim() === "" ? "the body is empty" : (error as Error).message;
    throw new ClientError(400, `Invalid JSON body: ${why}`, "body");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ClientError(400, "Invalid JSON body: expected a JSON object", "body");
  return value as Record<string, unknown>;
}
