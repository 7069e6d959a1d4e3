// What `npm pack` ships: the built entry points, the CLI bundle, the schema, the docs the README
// links, and nothing else (no tests, benchmarks, sources or example output). Reads `npm pack
// --dry-run`; `npm test` builds dist/ first.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { bin: Record<string, string>; exports: Record<string, string | Record<string, string>> };
let files: string[] = [];

beforeAll(() => {
  expect(existsSync("dist/cli/flowspec.js"), "dist/ is not built: run npm run build").toBe(true);
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort();
}, 60_000);

const strip = (path: string) => path.replace(/^\.\//, "");

describe("npm pack", () => {
  test("ships the bin, every export target, the schema and the README", () => {
    const targets = [
      ...Object.values(pkg.bin),
      ...Object.values(pkg.exports).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target))),
    ].map(strip);
    expect(targets).toContain("dist/cli/flowspec.js");
    for (const needed of [...targets, "README.md", "SECURITY.md", "package.json", "schema/flowspec.schema.json", "dist/schema/flowspec.schema.json"]) {
      expect(files, needed).toContain(needed);
    }
    // The CLI bundle's lazy chunks come along.
    expect(files.filter((f) => f.startsWith("dist/cli/chunks/")).length).toBeGreaterThan(3);
  });

  test("ships every doc, and every file the README links", () => {
    for (const doc of readdirSync("docs").filter((name) => name.endsWith(".md"))) expect(files).toContain(`docs/${doc}`);
    const readme = readFileSync("README.md", "utf8");
    const links = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => strip(m[1]!));
    for (const link of links) expect(files, `README links ${link}`).toContain(link);
  });

  test("ships no tests, benchmarks, sources, specs or generated examples", () => {
    const unwanted = files.filter(
      (f) =>
        /^(tests|bench|specs|generated|examples|scripts|compiler|runtime|sqlite|dbos|server|client)\//.test(f) ||
        /^dist\/(tests|bench|specs|generated|examples)\//.test(f) ||
        (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
        /\.(tsbuildinfo|db|tgz)$/.test(f),
    );
    expect(unwanted).toEqual([]);
    expect(files.every((f) => /^(dist|schema|docs)\/|^(package\.json|README\.md|SECURITY\.md|LICENSE)$/.test(f))).toBe(true);
  });
});
