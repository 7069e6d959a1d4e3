// The README's step-implementation example type-checks against the committed generated/joke.ts, as a
// user would write it: strict settings, the real generated types. Only `fakeLlm` is declared for it.
// So does what its prose promises: every member it lists for `<Workflow>Steps["method"]`.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";

const REPO = process.cwd();
// Inside the repository, so @types/node and the tsconfig `paths` (flowspec/runtime) resolve as for any source.
const dir = join(REPO, "node_modules/.cache", `flowspec-readme-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every ```ts block of the README that imports a generated module. */
function snippets(): string[] {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => /from "\.\/generated\//.test(code));
  // "`<Workflow>Steps["method"]` (`event`, `ctx`, …)": each listed member, used as a user would.
  const listed = /`<Workflow>Steps\["method"\]` \(([^)]*)\)/.exec(readme.replace(/\s+/g, " "))?.[1] ?? "";
  const members = [...listed.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
  expect(members.length, "the README lists the members of <Workflow>Steps[\"method\"]").toBeGreaterThan(0);
  const uses = members.map((member) => `export type Listed_${member} = JokeFlowSteps["generateJoke"][${JSON.stringify(member)}];`);
  return [...blocks, `import type { JokeFlowSteps } from "./generated/joke.js";\n${uses.join("\n")}\n`];
}

test("the README's TypeScript example compiles against the generated module", () => {
  const found = snippets();
  expect(found.length).toBeGreaterThan(0);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const files = found.map((code, i) => {
    const file = `snippet-${i}.ts`;
    const source = code.replaceAll('from "./generated/', `from ${JSON.stringify(`${REPO}/generated/`).slice(0, -1)}`);
    writeFileSync(join(dir, file), `declare const fakeLlm: import(${JSON.stringify(`${REPO}/specs/support/llm.js`)}).Llm;\n${source}\nexport {};\n`);
    return file;
  });
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ extends: `${REPO}/tsconfig.json`, compilerOptions: { noEmit: true, noUnusedLocals: false, rootDir: REPO }, files, include: [] }),
  );
  let output = "";
  try {
    execFileSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
  } catch (error) {
    output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
  }
  expect(output).toBe("");
}, 120_000);
