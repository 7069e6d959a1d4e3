// `flowspec --version` / `-v`: the package's version, from the sources and from the built binary.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { run } from "../support/run-command.js";

const { version: VERSION, bin: { flowspec: BIN } } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string; bin: { flowspec: string } };

describe("flowspec --version", () => {
  test.each(["--version", "-v"])("%s prints the package version and exits 0", async (flag) => {
    expect(await run([flag], process.cwd())).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  test.each(["dist/compiler/cli.js", BIN])("the built %s finds its package.json too (it sits deeper than the sources)", (bin) => {
    // npm test builds dist/ first; `npm ci` builds it through `prepare`.
    expect(existsSync(bin), "dist/ is not built: run npm run build").toBe(true);
    const res = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect({ status: res.status, stdout: res.stdout, stderr: res.stderr }).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  test("the usage lists it", async () => {
    expect((await run(["--help"], process.cwd())).stdout).toContain("flowspec --version");
  });
});
