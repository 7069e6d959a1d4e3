// The published schema accepts every example spec, as an editor's YAML language server would see it.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import type { Diagnostic } from "../../compiler/diagnostics.js";
import { findSpecFiles } from "../../compiler/files.js";
import { loadYaml } from "../../compiler/load.js";
import { checkSchema } from "../../compiler/schema-check.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCHEMA_PATH = fileURLToPath(new URL("../../schema/flowspec.schema.json", import.meta.url));
const specs = await findSpecFiles(["specs"], ROOT);

describe("schema/flowspec.schema.json", () => {
  test("is a valid draft-07 schema with a description on every property", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8"));
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.$id).toEqual(expect.any(String));
    expect(schema.title).toEqual(expect.any(String));
    // Plain ajv, as a generic tool would use it: strict, and it must compile.
    expect(() => new Ajv({ strict: true, allowUnionTypes: true, validateFormats: false }).compile(schema)).not.toThrow();
    expect(undescribedProperties(schema)).toEqual([]);
  });

  test("there are example specs to check", () => {
    expect(specs.length).toBeGreaterThan(0);
  });

  test.each(specs.map((spec) => [spec.display, spec.path]))("accepts %s", (_display, path) => {
    const source = readFileSync(path, "utf8");
    const loaded = loadYaml(source, path);
    const readable = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`);
    expect(readable(loaded.diagnostics)).toEqual([]);
    expect(readable(checkSchema(loaded.data, loaded.locator, path))).toEqual([]);
    // The same data as a plain YAML reader (a language server) sees it.
    expect(parse(source)).toEqual(loaded.data);
  });
});

/** JSON pointers of properties (in `properties` maps) that have no `description`, directly or via `$ref`. */
function undescribedProperties(schema: Record<string, unknown>): string[] {
  const missing: string[] = [];
  const visit = (node: unknown, pointer: string): void => {
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    const properties = record["properties"];
    if (typeof properties === "object" && properties !== null) {
      for (const [name, property] of Object.entries(properties)) {
        const described = typeof (property as Record<string, unknown>)["description"] === "string";
        if (!described) missing.push(`${pointer}/properties/${name}`);
      }
    }
    for (const [key, child] of Object.entries(record)) visit(child, `${pointer}/${key}`);
  };
  visit(schema, "#");
  return missing;
}
