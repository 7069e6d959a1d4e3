// Spawning TypeScript children for the durable tests. Each child script is bundled once with
// esbuild (fast start-up: the crash loop starts 50+ children), with the flowspec/* specifiers
// pointing at the sources; better-sqlite3 and zod stay external.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const bundles = new Map<string, Promise<string>>();

/** Bundles `tests/durable/support/<name>.ts` into a temp .mjs; cached per process. */
export function bundle(name: string): Promise<string> {
  let p = bundles.get(name);
  if (p === undefined) {
    p = (async () => {
      // Inside the repo, so the bundle's bare imports (zod, better-sqlite3) resolve from its node_modules.
      // One file per test process (test files run in parallel); stale ones (> 1 h) are swept.
      const cache = join(REPO, "node_modules/.cache/flowspec-durable-tests");
      mkdirSync(cache, { recursive: true });
      for (const f of readdirSync(cache)) {
        const path = join(cache, f);
        if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true });
      }
      const outfile = join(cache, `${name}-${process.pid}.mjs`);
      await bundleEntry(join(REPO, "tests/durable/support", `${name}.ts`), outfile);
      return outfile;
    })();
    bundles.set(name, p);
  }
  return p;
}

/**
 * Bundles a child script (`entry`, TypeScript) into `outfile` (inside the repo, so its bare imports
 * resolve from its node_modules), with the flowspec/* specifiers pointing at the sources.
 */
export async function bundleEntry(entry: string, outfile: string): Promise<void> {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["better-sqlite3", "zod"],
    alias: { "flowspec/runtime": join(REPO, "runtime/index.ts"), "flowspec/sqlite": join(REPO, "sqlite/index.ts") },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "silent",
  });
}

export interface Child {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves when stdout has a line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts a bundled child with extra env. */
export async function startChild(name: string, env: Record<string, string>): Promise<Child> {
  const file = await bundle(name);
  const child = spawn(process.execPath, [file], {
    cwd: REPO,
    env: { ...process.env, NODE_PATH: join(REPO, "node_modules"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (c: string) => {
    out += c;
    for (const w of [...waiters]) w();
  });
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (err += c));
  let dead = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      dead = true;
      for (const w of [...waiters]) w();
      resolve({ code, signal });
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`));
      }, timeoutMs);
      const check = () => {
        const m = out.split("\n").find((l) => pattern.test(l));
        if (m !== undefined || dead) {
          waiters.delete(check);
          clearTimeout(timer);
          if (m !== undefined) resolve(m);
          else setTimeout(() => (pattern.test(out) ? resolve(out) : reject(new Error(`child exited before ${pattern}; stdout: ${out}; stderr: ${err}`))), 10);
        }
      };
      waiters.add(check);
      check();
    });
  return { child, out: () => out, err: () => err, waitFor, exited };
}
