import { describe, expect, it } from "vitest";
import { formatType, MAX_TYPE_DEPTH, parseFieldType } from "../../compiler/type-grammar.js";

function parsed(text: string) {
  const result = parseFieldType(text);
  if (!result.ok) throw new Error(`expected '${text}' to parse: ${result.error.message}`);
  return result;
}

function failure(text: string) {
  const result = parseFieldType(text);
  if (result.ok) throw new Error(`expected '${text}' to fail`);
  return result.error;
}

describe("parseFieldType", () => {
  it.each(["string", "number", "integer", "boolean", "unknown"])("reads the primitive %s", (name) => {
    expect(parsed(name)).toEqual({ ok: true, optional: false, type: { kind: "primitive", name } });
  });

  it("reads a named type with the span of the name", () => {
    expect(parsed("Critique").type).toEqual({ kind: "named", name: "Critique", span: { line: 1, column: 1, endLine: 1, endColumn: 9 } });
    expect(parsed("map<Critique[]>").type).toMatchObject({ kind: "map", value: { kind: "array", element: { name: "Critique", span: { column: 5 } } } });
  });

  it("reads repeated array suffixes, maps and a final ?", () => {
    expect(parsed("string[][]").type).toEqual({ kind: "array", element: { kind: "array", element: { kind: "primitive", name: "string" } } });
    expect(parsed("map<string[]>")).toMatchObject({ optional: false, type: { kind: "map", value: { kind: "array" } } });
    expect(parsed("map<map<integer>>[]?")).toMatchObject({ optional: true, type: { kind: "array", element: { kind: "map", value: { kind: "map" } } } });
    expect(parsed("Critique?")).toMatchObject({ optional: true, type: { kind: "named", name: "Critique" } });
  });

  it("tolerates whitespace between tokens", () => {
    for (const text of ["  string ", "map< string >", "map < integer [ ] >", "string []", "string[] ?", "\tboolean\t"]) {
      expect(parseFieldType(text).ok, text).toBe(true);
    }
    expect(formatType(parsed(" map < integer [ ] > ").type)).toBe("map<integer[]>");
  });

  it.each([
    ["", 0],
    ["   ", 0],
    ["map<", 4],
    ["map<string", 10],
    ["map", 0],
    ["string??", 7],
    ["string?[]", 7],
    ["string[", 6],
    ["string]", 6],
    ["string integer", 7],
    ["string|number", 6],
    ["Map<string>", 3],
    ["Array<string>", 5],
    ["[]", 0],
    ["map<>", 4],
    ["1string", 0],
  ])("reports malformed text %j as a schema error at offset %i", (text, offset) => {
    expect(failure(text)).toMatchObject({ code: "schema", offset });
  });

  it("reports an impossible type name as unknown-type at the name, with a suggestion", () => {
    expect(failure("strng")).toMatchObject({ code: "unknown-type", offset: 0, length: 5 });
    expect(failure("strng").message).toContain("'string'");
    expect(failure("map<int>")).toMatchObject({ code: "unknown-type", offset: 4, length: 3 });
    expect(failure("Critique[]?[]")).toMatchObject({ code: "schema", offset: 11 });
    expect(failure("list[]")).toMatchObject({ code: "unknown-type", offset: 0, length: 4 });
    const withTypes = parseFieldType("critique", { typeNames: ["Critique"] });
    expect(!withTypes.ok && withTypes.error.message).toContain("'Critique'");
  });

  it("maps offsets through spanAt so errors point into the YAML value", () => {
    const spanAt = (offset: number, length: number) => ({ line: 7, column: 20 + offset, endLine: 7, endColumn: 20 + offset + length });
    const result = parseFieldType("string??", { spanAt });
    expect(!result.ok && result.error.span).toEqual({ line: 7, column: 27, endLine: 7, endColumn: 28 });
    const named = parseFieldType("map<Critique>", { spanAt });
    expect(named.ok && named.type).toMatchObject({ value: { span: { line: 7, column: 24 } } });
  });

  it("refuses nesting deeper than MAX_TYPE_DEPTH instead of overflowing the stack", () => {
    expect(parseFieldType(`string${"[]".repeat(MAX_TYPE_DEPTH)}`).ok).toBe(true);
    expect(failure(`string${"[]".repeat(MAX_TYPE_DEPTH + 1)}`).code).toBe("schema");
    expect(failure(`${"map<".repeat(100_000)}string${">".repeat(100_000)}`).code).toBe("schema");
    expect(failure(`string${"[]".repeat(100_000)}`).code).toBe("schema");
  });

  it("quotes hostile text in messages", () => {
    const error = failure('string"); process.exit(1); //');
    expect(error.code).toBe("schema");
    expect(error.offset).toBe(6);
    expect(failure("string\u001b[31m").message).not.toContain("\u001b");
  });
});
