// A Node module hook: `./x.js` imports resolve to `./x.ts` when only the .ts exists (NodeNext style), and
// .ts files are transpiled with Vite's esbuild transform (type-only, no type check), as Vite and vitest do.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

let transform;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relativeJs = /^\.{1,2}\//.test(specifier) && specifier.endsWith(".js");
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !relativeJs) throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  transform ??= (await import("vite")).transformWithEsbuild;
  const file = fileURLToPath(url);
  const { code } = await transform(await readFile(file, "utf8"), file, { loader: "ts", format: "esm", target: `node${process.versions.node}`, sourcemap: "inline" });
  return { format: "module", source: code, shortCircuit: true };
}
