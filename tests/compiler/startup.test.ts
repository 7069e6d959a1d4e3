// CLI start-up: what the `flowspec` binary loads. `check` must not load ajv's compiler (the schema
// validator is generated at build time), nor the watcher, Vite, SQLite or TypeScript; `--version`
// loads nothing but the entry chunk. Wall time is measured by `npm run bench:cli`, never asserted here.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const BIN = (JSON.parse(readFileSync("package.json", "utf8")) as { bin: { flowspec: string } }).bin.flowspec;
const HEAVY = ["ajv", "chokidar", "vite", "better-sqlite3", "typescript", "ts-morph", "esbuild", "zod", "@dbos-inc"];

/** Every module URL the ESM loader loads while `flowspec <args>` runs. */
function loaded(args: string[]): { status: number | null; urls: string[] } {
  const hook = `export async function load(url, context, next) { process.stderr.write("LOADED " + url + "\\n"); return next(url, context); }`;
  const register = `data:text/javascript,${encodeURIComponent(`import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`)}`;
  const res = spawnSync(process.execPath, ["--import", register, BIN, ...args], { encoding: "utf8" });
  return { status: res.status, urls: res.stderr.split("\n").filter((l) => l.startsWith("LOADED ")).map((l) => l.slice(7)) };
}

const packages = (urls: string[]) => [...new Set(urls.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? []))];

describe("flowspec start-up", () => {
  test("the bin is built", () => {
    expect(existsSync(BIN), "dist/ is not built: run npm run build").toBe(true);
  });

  test.each([
    [["check", "specs/joke.yaml"]],
    [["build", "specs", "--check"]],
    [["graph", "specs/joke.yaml"]],
  ])("%j loads no heavy package (ajv's compiler, the watcher, Vite, SQLite, TypeScript)", (args) => {
    const { status, urls } = loaded(args);
    expect([0, 1]).toContain(status); // 1: build --check found generated/ stale, which is not this test's business
    const heavy = packages(urls).filter((name) => HEAVY.some((h) => name === h || name.startsWith(`${h}/`)));
    expect(heavy).toEqual([]);
  });

  test("--version loads no package and none of the compiler (a few KB of modules)", () => {
    const { status, urls } = loaded(["--version"]);
    expect(status).toBe(0);
    expect(packages(urls)).toEqual([]);
    const bytes = urls.filter((u) => u.startsWith("file:")).reduce((sum, u) => sum + statSync(fileURLToPath(u)).size, 0);
    expect(bytes).toBeLessThan(50_000);
  });

  test("the generated schema validator is up to date with schema/flowspec.schema.json", () => {
    const res = spawnSync(process.execPath, ["scripts/build-schema-validator.mjs", "--check"], { encoding: "utf8" });
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
  });
});
