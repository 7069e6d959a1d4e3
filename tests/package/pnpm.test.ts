// The packed tarball, installed with pnpm's strict layout (an app sees only its own dependencies):
// the app lists flowspec alone, builds a spec with the installed bin, type-checks an app that imports
// the generated workflow, and runs it. Generated code imports only `flowspec/runtime` (which
// re-exports zod's `z`); a bare `zod` import would fail here with TS2307.
//
// Needs the npm registry (pnpm itself via npx, and flowspec's dependencies). Without it the test is
// skipped, except under CI=true, where it fails saying so. `npm test` builds dist/ first.

import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";

const REPO = process.cwd();
const PNPM = "pnpm@9";
const dir = mkdtempSync(join(tmpdir(), "flowspec-pnpm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(command: string, args: readonly string[], options: SpawnSyncOptions & { cwd: string }) {
  const res = spawnSync(command, args, { encoding: "utf8", timeout: 180_000, ...options, env: { ...process.env, npm_config_yes: "true", ...options.env } });
  return { status: res.status, out: `${String(res.stdout ?? "")}${String(res.stderr ?? "")}${res.error ? String(res.error) : ""}` };
}

const SPEC = `flowspec: 1
workflow: HelloFlow
events:
  Greet: { kind: start, fields: { name: { type: string, minLength: 1 } } }
  Greeted: { kind: stop, fields: { greeting: string } }
steps:
  greet: { accepts: Greet, emits: Greeted }
`;

const APP = `import { Greeted, HelloFlowBase, type Greet } from "./generated/hello.js";

class HelloFlow extends HelloFlowBase {
  async greet(ev: Greet) {
    return new Greeted({ greeting: \`hello, \${ev.name}\` });
  }
}

const result: Greeted = await new HelloFlow().run({ name: "pnpm" });
console.log(result.greeting);
`;

const TSCONFIG = {
  compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, outDir: "out", skipLibCheck: true, types: [] },
  include: ["app.ts", "generated"],
};

test("an app that depends on flowspec alone type-checks and runs under pnpm's strict layout", (ctx) => {
  expect(existsSync(join(REPO, "dist/cli/flowspec.js")), "dist/ is not built: run npm run build").toBe(true);

  const ping = sh("npm", ["ping"], { cwd: dir, timeout: 30_000 });
  if (ping.status !== 0) {
    const why = `this test installs the packed tarball with ${PNPM} and needs the npm registry, which is unreachable:\n${ping.out}`;
    if (process.env["CI"]) throw new Error(why);
    ctx.skip(why);
  }

  const pack = sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: REPO });
  expect(pack.status, pack.out).toBe(0);
  const tarball = (JSON.parse(pack.out.slice(pack.out.indexOf("["))) as { filename: string }[])[0]!.filename;

  const app = join(dir, "app");
  mkdirSync(join(app, "specs"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module", dependencies: { flowspec: `file:../${tarball}` } }, null, 2));
  writeFileSync(join(app, "specs/hello.yaml"), SPEC);
  writeFileSync(join(app, "app.ts"), APP);
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));

  const install = sh("npx", [PNPM, "install", "--store-dir", join(dir, "store"), "--reporter=append-only"], { cwd: app });
  expect(install.status, `pnpm install failed (it needs the npm registry):\n${install.out}`).toBe(0);
  // Strict layout: flowspec's own dependencies are not visible from the app.
  expect(existsSync(join(app, "node_modules/flowspec"))).toBe(true);
  expect(existsSync(join(app, "node_modules/zod"))).toBe(false);
  // The schema validator is generated at build time: ajv is not installed, and `build` below still checks specs.
  expect(readdirSync(join(app, "node_modules/.pnpm")).filter((name) => name.startsWith("ajv@"))).toEqual([]);

  writeFileSync(join(app, "specs/broken.yaml"), "flowspec: 1\nworkflow: Broken\nsteps: { go: { acepts: StartEvent } }\n");
  const check = sh(join(app, "node_modules/.bin/flowspec"), ["check", "specs/broken.yaml", "--format", "json"], { cwd: app });
  expect(check.status, check.out).toBe(1);
  expect(check.out).toContain("has unknown key 'acepts'");
  rmSync(join(app, "specs/broken.yaml"));

  const build = sh(join(app, "node_modules/.bin/flowspec"), ["build", "specs", "--out", "generated"], { cwd: app });
  expect(build.status, build.out).toBe(0);
  const generated = readFileSync(join(app, "generated/hello.ts"), "utf8");
  expect(generated).not.toMatch(/from "zod"/);

  const tsc = sh(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: app });
  expect(tsc.out).toBe("");
  expect(tsc.status).toBe(0);

  const run = sh(process.execPath, ["out/app.js"], { cwd: app });
  expect(run).toEqual({ status: 0, out: "hello, pnpm\n" });
}, 300_000);
