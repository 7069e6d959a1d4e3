// Loaded with `node --import` by the runtime benchmark to measure another build of the runtime in
// the same run (before/after figures on one machine state): with FLOWSPEC_RUNTIME_SWAP set to a
// built `dist/runtime/index.js`, every `flowspec/runtime` import resolves there instead.

import { register } from "node:module";
import { pathToFileURL } from "node:url";

const target = process.env.FLOWSPEC_RUNTIME_SWAP;
if (target) {
  const url = JSON.stringify(pathToFileURL(target).href);
  const hooks = `export async function resolve(specifier, context, next) {
    return specifier === "flowspec/runtime" ? { url: ${url}, shortCircuit: true } : next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
