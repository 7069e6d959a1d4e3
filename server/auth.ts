// The built-in bearer token check and the `authorize` hook.

import { ClientError } from "./errors.js";
import type { ServerOptions } from "./options.js";

const encoder = new TextEncoder();

/** Compares in time that depends only on the lengths, so a token cannot be guessed byte by byte. */
function sameSecret(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(a.length, 1)] ?? 0) ^ b[i]!;
  return diff === 0;
}

/** null when the request may go on; else the refusal to send. */
export async function checkAccess(request: Request, options: ServerOptions): Promise<Response | ClientError | null> {
  if (options.token !== undefined) {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match === null || !sameSecret(match[1]!, options.token)) {
      return new ClientError(401, match === null ? "Authorization required: send Authorization: Bearer <token>" : "Invalid bearer token", "Authorization");
    }
  }
  if (options.authorize !== undefined) {
    const verdict = await options.authorize(request);
    if (verdict instanceof Response) return verdict;
    if (verdict === false) return new ClientError(403, "Forbidden");
  }
  return null;
}
