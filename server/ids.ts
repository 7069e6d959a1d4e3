// Handler ids: 10-character nanoids, as the reference's; a client may choose its own.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

let pool = new Uint8Array(0);
let at = 0;

/** A random 10-character id (62^10 ≈ 8·10^17), from the web-standard crypto (drawn 4 KiB at a time). */
export function newHandlerId(): string {
  let id = "";
  while (id.length < 10) {
    if (at >= pool.length) {
      pool = crypto.getRandomValues(new Uint8Array(4096));
      at = 0;
    }
    const b = pool[at++]!;
    if (b < 248) id += ALPHABET[b % 62]; // 248 = 4·62: keeps the draw uniform
  }
  return id;
}

/** A client-chosen handler id: 1-128 of [A-Za-z0-9_-], so it can be a journal run id and a URL segment unescaped. */
export const HANDLER_ID = /^[A-Za-z0-9_-]{1,128}$/;
