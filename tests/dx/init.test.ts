// `flowspec init [name]`: a starter spec that checks clean, pointing editors at the right schema file.

import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Ajv } from "ajv";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compile } from "../../compiler/compile.js";
import { starterSpec, workflowNameFor } from "../../compiler/commands/init.js";
import { REPO } from "./support/cli-process.js";
import { run } from "../support/run-command.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flowspec-init-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const schemaLine = (text: string) => text.split("\n")[0]!.replace("# yaml-language-server: $schema=", "");
const publishedSchema = () => readFile(join(REPO, "schema", "flowspec.schema.json"), "utf8");

describe("flowspec init", () => {
  it("writes specs/my-flow.yaml by default, and the spec checks clean and compiles", async () => {
    const result = await run(["init"], dir);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("created specs/my-flow.yaml (workflow MyFlow)");
    const text = await readFile(join(dir, "specs", "my-flow.yaml"), "utf8");
    expect(text).toMatch(/^# yaml-language-server: \$schema=\S+\n/);
    expect(parse(text)).toMatchObject({ flowspec: 1, workflow: "MyFlow" });
    const compiled = compile(text, { path: "specs/my-flow.yaml", outPath: "generated/my-flow.ts" });
    expect(compiled.diagnostics).toEqual([]);
    expect(compiled.files[0]!.contents).toContain("export abstract class MyFlowBase");
  });

  it("names the workflow after the file", async () => {
    expect((await run(["init", "order_intake"], dir)).code).toBe(0);
    expect(await readFile(join(dir, "specs", "order_intake.yaml"), "utf8")).toContain("workflow: OrderIntakeFlow\n");
    expect(workflowNameFor("joke")).toBe("JokeFlow");
    expect(workflowNameFor("support-flow")).toBe("SupportFlow");
    expect((await run(["init", "review.yaml"], dir)).stdout).toContain("created specs/review.yaml");
  });

  it("points at the repository's schema/ when there is one", async () => {
    await mkdir(join(dir, "schema"));
    await writeFile(join(dir, "schema", "flowspec.schema.json"), await publishedSchema());
    await run(["init"], dir);
    const text = await readFile(join(dir, "specs", "my-flow.yaml"), "utf8");
    expect(schemaLine(text)).toBe("../schema/flowspec.schema.json");
    expect(existsSync(resolve(dir, "specs", schemaLine(text)))).toBe(true);
  });

  it("points at the installed package's schema otherwise", async () => {
    const pkg = join(dir, "node_modules", "flowspec");
    await mkdir(join(pkg, "schema"), { recursive: true });
    const exports = { "./schema/flowspec.schema.json": "./schema/flowspec.schema.json" };
    await writeFile(join(pkg, "package.json"), JSON.stringify({ name: "flowspec", type: "module", exports }));
    await writeFile(join(pkg, "schema", "flowspec.schema.json"), await publishedSchema());
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "app", private: true }));
    await run(["init"], dir);
    const text = await readFile(join(dir, "specs", "my-flow.yaml"), "utf8");
    expect(schemaLine(text)).toBe("../node_modules/flowspec/schema/flowspec.schema.json");
    expect(existsSync(resolve(dir, "specs", schemaLine(text)))).toBe(true);
  });

  it("uses the node_modules path when flowspec is not installed yet", async () => {
    await run(["init"], dir);
    expect(schemaLine(await readFile(join(dir, "specs", "my-flow.yaml"), "utf8"))).toBe("../node_modules/flowspec/schema/flowspec.schema.json");
  });

  it("refuses to overwrite an existing spec (exit 2), leaving it as it was", async () => {
    await mkdir(join(dir, "specs"));
    await writeFile(join(dir, "specs", "my-flow.yaml"), "mine\n");
    const result = await run(["init"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("flowspec init: specs/my-flow.yaml already exists; not overwriting it (pick another name: flowspec init <name>)\n");
    expect(await readFile(join(dir, "specs", "my-flow.yaml"), "utf8")).toBe("mine\n");
  });

  it("rejects names that are not plain file names (exit 2)", async () => {
    for (const name of ["../escape", "a/b", "1st", "has space"]) {
      const result = await run(["init", name], dir);
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toMatch(/is not a usable name/);
    }
    expect(existsSync(join(dir, "specs"))).toBe(false);
    expect(existsSync(join(dirname(dir), "escape.yaml"))).toBe(false);
  });
});

describe("the published schema", () => {
  // tests/compiler/schema-specs.test.ts covers specs/; these are the specs this area adds.
  const validator = publishedSchema().then((text) => new Ajv({ strict: true, allowUnionTypes: true, validateFormats: false }).compile(JSON.parse(text)));

  it("accepts init's starter spec", async () => {
    const validate = await validator;
    const starter = starterSpec({ workflow: "MyFlow", schemaPath: "../schema/flowspec.schema.json" });
    expect(validate(parse(starter)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("accepts the Vite example's spec, which also checks clean", async () => {
    const validate = await validator;
    const path = join(REPO, "examples", "vite-app", "joke.flow.yaml");
    const text = await readFile(path, "utf8");
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(compile(text, { path: "examples/vite-app/joke.flow.yaml" }).diagnostics).toEqual([]);
    // Its $schema line points at the schema from where the spec sits.
    expect(existsSync(resolve(dirname(path), schemaLine(text)))).toBe(true);
  });
});
