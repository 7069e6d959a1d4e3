// Everything the emitter produced passes `tsc --noEmit` under the repo's strict settings (strict,
// noUnusedLocals, noImplicitOverride): the committed generated/ modules, the golden fixtures (the
// hostile one included), and the type-level tests in tests/types, whose `@ts-expect-error` lines must
// each meet an error. One tsc run over tests/types/tsconfig.json covers them all.
// golden.test.ts and generated.test.ts make sure those files are what the emitter produces today.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const run = promisify(execFile);

test("emitted code and the type-level tests type-check", { timeout: 120_000 }, async () => {
  const result = await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tests/types/tsconfig.json", "--noEmit"]).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
  );
  expect(result.output).toBe("");
  expect(result.code).toBe(0);
});
