// Module hook for child processes: `flowspec/runtime` (and /backend) and `flowspec/sqlite` resolve to the sources
// (not a possibly stale dist/), like vitest's aliases; .ts files go through tests/dx's ts-loader.
import { pathToFileURL } from "node:url";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const ALIASES = {
  "flowspec/runtime": pathToFileURL(`${REPO}runtime/index.ts`).href,
  "flowspec/runtime/backend": pathToFileURL(`${REPO}runtime/backend.ts`).href,
  "flowspec/sqlite": pathToFileURL(`${REPO}sqlite/index.ts`).href,
};

export async function resolve(specifier, context, nextResolve) {
  const target = ALIASES[specifier];
  if (target !== undefined) return { url: target, shortCircuit: true };
  return nextResolve(specifier, context);
}
