// `flowspec diff`: the CI gate on a pull request. Files, git revisions, text and JSON, exit codes.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../support/run-command.js";
import { V1 } from "./support/counter-spec.js";

const dir = mkdtempSync(join(tmpdir(), "flowspec-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir, encoding: "utf8" });

writeFileSync(join(dir, "v1.yaml"), V1);
writeFileSync(join(dir, "renamed.yaml"), V1.replace("i: integer,", "index: integer,"));
writeFileSync(join(dir, "grown.yaml"), V1.replace("note: string? }", "note: string?, by: string? }").replace("workers: 1 }", "workers: 4 }"));

describe("flowspec diff", () => {
  it("classifies each change; a breaking one exits 1", async () => {
    const out = await run(["diff", "v1.yaml", "renamed.yaml"], dir);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(
      [
        "renamed.yaml (Counter) against v1.yaml: 2 changes, 2 breaking",
        '  breaking    event "Tick" field "i" was removed or renamed',
        '  breaking    event "Tick" field "index" was added as required, with no default',
        "2 breaking changes: runs in flight that touch them cannot resume on the new version (flowspec runs check tells which).",
        "",
      ].join("\n"),
    );
  });

  it("exits 0 when every change is compatible, and says so in JSON too", async () => {
    const text = await run(["diff", "v1.yaml", "grown.yaml"], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('  compatible  event "Tick" field "by" was added (optional)');
    expect(text.stdout).toContain('  compatible  step "count" has workers 4, was 1');
    const json = await run(["diff", "v1.yaml", "grown.yaml", "--format", "json"], dir);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ breaking: 0, specs: [{ old: "v1.yaml", new: "grown.yaml", workflow: "Counter" }] });
  });

  it("reads an old version from git, as <rev>:<path> or with --against", async () => {
    git("init", "-q");
    writeFileSync(join(dir, "counter.yaml"), V1);
    git("add", "counter.yaml");
    git("commit", "-qm", "v1");
    writeFileSync(join(dir, "counter.yaml"), V1.replace("i: integer,", "i: string,"));
    const byRev = await run(["diff", "HEAD:counter.yaml", "counter.yaml"], dir);
    expect(byRev.code).toBe(1);
    expect(byRev.stdout).toContain('breaking    event "Tick" field "i" is string, was integer');
    const against = await run(["diff", "counter.yaml", "--against", "HEAD"], dir);
    expect(against.code).toBe(1);
    expect(against.stdout).toContain("counter.yaml (Counter) against HEAD:./counter.yaml: 1 change, 1 breaking");
    writeFileSync(join(dir, "fresh.yaml"), V1);
    const fresh = await run(["diff", "fresh.yaml", "--against", "HEAD"], dir);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain("the spec is new since HEAD");
  });

  it("bad input: a missing version, an unknown revision, a spec with errors, wrong usage exit 2", async () => {
    expect(await run(["diff", "v1.yaml", "nope.yaml"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("path 'nope.yaml' does not exist") });
    expect(await run(["diff", "no-such-rev:v1.yaml", "v1.yaml"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read 'no-such-rev:v1.yaml' from git") });
    writeFileSync(join(dir, "broken.yaml"), "flowspec: 1\nworkflow: Counter\nsteps:\n  a: { accepts: Nope }\n");
    const broken = await run(["diff", "v1.yaml", "broken.yaml"], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("'broken.yaml' has errors; fix them to compare it");
    expect((await run(["diff", "v1.yaml"], dir)).code).toBe(2);
  });
});
