// Resolves `flowspec/runtime`, `flowspec/dbos` and `flowspec/server` to their TypeScript sources (as vitest's aliases do),
// so child processes load one copy of the runtime, the one under test, not dist/.
const ROOT = new URL("../../../", import.meta.url);
const MAP = { "flowspec/runtime": "runtime/index.ts", "flowspec/runtime/backend": "runtime/backend.ts", "flowspec/dbos": "dbos/index.ts", "flowspec/server": "server/index.ts" };

export async function resolve(specifier, context, nextResolve) {
  const target = MAP[specifier];
  if (target !== undefined) return { url: new URL(target, ROOT).href, shortCircuit: true };
  return nextResolve(specifier, context);
}
