// A throwaway folder inside the repo (so `flowspec/runtime`, zod and the repo's strict settings apply)
// for emitted modules that tsc checks and vitest imports. Gitignored by its `.flowspec-tmp-` prefix;
// deleted after the suite (set FLOWSPEC_KEEP_TMP=1 to keep it for a look).

import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface TmpProject {
  /** Absolute path of the folder. */
  dir: string;
  /** The folder relative to the repo, with `/` separators (what specs are compiled as). */
  rel: string;
  write(path: string, contents: string): string;
  /** One tsc run over every .ts file in the folder: its output, "" when clean. */
  typecheck(): Promise<{ code: number; output: string }>;
  remove(): void;
}

export function createTmpProject(name: string): TmpProject {
  const dir = join(REPO, "tests", "hardening", `.flowspec-tmp-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rel = relative(REPO, dir).split("\\").join("/");
  const write = (path: string, contents: string) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, contents);
    return file;
  };
  const up = relative(dir, REPO).split("\\").join("/");
  write(
    "tsconfig.json",
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUnusedLocals: true,
          noImplicitOverride: true,
          skipLibCheck: true,
          noEmit: true,
          types: ["node"],
          typeRoots: [`${up}/node_modules/@types`],
          paths: { "flowspec/runtime": [`${up}/runtime/index.ts`] },
        },
        include: ["./**/*.ts"],
      },
      null,
      2,
    ),
  );
  return {
    dir,
    rel,
    write,
    typecheck: () =>
      new Promise((done) => {
        execFile(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, output: `${stdout}${stderr}`.trim() });
        });
      }),
    remove: () => {
      if (process.env.FLOWSPEC_KEEP_TMP !== "1") rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** tsc's output lines that concern `file` (a path relative to the tmp folder). */
export function errorsFor(output: string, file: string): string[] {
  return output.split("\n").filter((line) => line.includes(file));
}
