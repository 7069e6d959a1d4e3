// generated/ is the committed output of `flowspec build specs`, and must stay exactly that (the same
// check as `flowspec build --check`). After changing a spec or the emitter, regenerate it with
//
//   npm run build && node dist/compiler/cli.js build specs

import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { build } from "../../../compiler/build.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

test("generated/ is up to date with specs/", async () => {
  const result = await build(["specs"], { cwd: root, check: true });
  expect(result.files.length).toBeGreaterThan(0);
  expect(result.files.filter((file) => file.status !== "unchanged").map((file) => `${file.output}: ${file.status}`)).toEqual([]);
  expect(result.errors).toBe(0);
});
