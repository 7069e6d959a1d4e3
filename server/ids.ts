// Handler ids: 10-character nanoids, as the reference's; a client may choose its own.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random 10-character id (62^10 ≈ 8·10^17), from the web-standard crypto. */
export function newHandlerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = "";
  for (const b of bytes) {
    if (b >= 248) continue; // 248 = 4·62: keeps the draw uniform
    id += ALPHABET[b % 62];
    if (id.length === 10) return id;
  }
  return id.length === 10 ? id : id + newHandlerId().slice(id.length);
}

/** A client-chosen handler id: 1-128 of [A-Za-z0-9_-], so it can be a journal run id and a URL segment unescaped. */
export const HANDLER_ID = /^[A-Za-z0-9_-]{1,128}$/;
