// A hostile spec cannot change what the emitted code does. tests/fixtures/emit/hostile.yaml puts
// comment terminators, quotes, backslashes, template syntax, line and paragraph separators, `</script>`
// and `__proto__` into every string the emitter writes. The emitted module (its golden copy, which
// golden.test.ts keeps equal to the emitter's output, and which typecheck.test.ts type-checks) must
// parse to exactly the declarations a benign spec gives, and carry every value unchanged.

import { readFileSync } from "node:fs";
import { ts } from "ts-morph";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { compile } from "../../../compiler/compile.js";
import * as hostile from "../../fixtures/emit/hostile.js";

const SPEC = "tests/fixtures/emit/hostile.yaml";
const spec = parse(readFileSync(SPEC, "utf8")) as {
  description: string;
  types: { Payload: { description: string; fields: { text: { description: string; pattern: string; default: string } } } };
  state: { note: { enum: string[]; default: string; description: string }; blob: { default: Record<string, unknown> } };
  events: { Go: { description: string; fields: { label: { default: string } } }; Done: { description: string } };
  resources: { tool: { description: string } };
  steps: { handle: { description: string } };
};
const output = readFileSync("tests/fixtures/emit/hostile.ts", "utf8");

function parseModule(text: string): ts.SourceFile {
  const file = ts.createSourceFile("out.ts", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  expect((file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics.map((d) => d.messageText)).toEqual([]);
  return file;
}

/** `kind name` for each top-level statement. */
function outline(file: ts.SourceFile): string[] {
  return file.statements.map((statement) => {
    if (ts.isImportDeclaration(statement)) return `import ${(statement.moduleSpecifier as ts.StringLiteral).text}`;
    if (ts.isVariableStatement(statement)) return `const ${statement.declarationList.declarations.map((d) => d.name.getText()).join()}`;
    if (ts.isClassDeclaration(statement)) return `class ${statement.name?.text}`;
    if (ts.isInterfaceDeclaration(statement)) return `interface ${statement.name.text}`;
    if (ts.isTypeAliasDeclaration(statement)) return `type ${statement.name.text}`;
    return ts.SyntaxKind[statement.kind];
  });
}

/** Bidirectional controls, zero-width characters and the BOM: never raw in the output. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** What a description should read as in JSDoc: line breaks normalized, controls blanked, invisible
 * characters spelled `\uXXXX`, spacing collapsed (TypeScript trims the ` * ` margins). */
function asDocText(text: string): string {
  return text
    .replace(/\r\n?|[\u0085\u2028\u2029]/g, "\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, " ")
    .replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\s+/g, " ")
    .trim();
}

/** The JSDoc of a node as TypeScript reads it, with the emitter's escapes (`*\/`, `\@`) undone. */
function docOf(node: ts.Node): { text: string; tags: string[] } {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  expect(docs.length).toBeLessThanOrEqual(1);
  const doc = docs[0];
  const comment = typeof doc?.comment === "string" ? doc.comment : (doc?.comment ?? []).map((part) => part.text).join("");
  return {
    text: asDocText(comment.replace(/\*\\\//g, "*/").replace(/\\@/g, "@")),
    tags: (doc?.tags ?? []).map((tag) => tag.tagName.text),
  };
}

function find<T extends ts.Node>(file: ts.SourceFile, predicate: (node: ts.Node) => node is T, name: string): T {
  let found: T | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (predicate(node) && (node as { name?: ts.Node }).name?.getText() === name) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(file);
  if (!found) throw new Error(`no ${name} in the output`);
  return found;
}

const isMember = (node: ts.Node): node is ts.PropertySignature | ts.MethodDeclaration => ts.isPropertySignature(node) || ts.isMethodDeclaration(node);

describe("a hostile spec", () => {
  const file = parseModule(output);

  test("gives exactly the declarations a benign spec would (nothing injected)", () => {
    expect(outline(file)).toEqual([
      "import flowspec/runtime",
      "import ./support/tool.js",
      "interface Payload",
      "const PayloadSchema",
      "class Go",
      "class Done",
      "interface HostileState",
      "const HostileStateSchema",
      "interface HostileResources",
      "type HostileStreamable",
      "class HostileBase",
      "interface HostileSteps",
      "type HostileContext",
    ]);
  });

  test("holds no raw bidirectional or zero-width characters (Trojan Source)", () => {
    expect(output.match(INVISIBLE)).toBeNull();
    expect(readFileSync(SPEC, "utf8").replace(/\\u(202e|2066|2069|200b)/g, "") === readFileSync(SPEC, "utf8")).toBe(false);
  });

  test("keeps every description inside its JSDoc, as text, with no tags of its own", () => {
    const cases: [ts.Node, string][] = [
      [find(file, ts.isClassDeclaration, "HostileBase"), spec.description],
      [find(file, ts.isInterfaceDeclaration, "Payload"), spec.types.Payload.description],
      [find(file, isMember, "text"), spec.types.Payload.fields.text.description],
      [find(file, isMember, "note"), spec.state.note.description],
      [find(file, isMember, "tool"), spec.resources.tool.description],
      [find(file, ts.isClassDeclaration, "Go"), spec.events.Go.description],
      [find(file, ts.isClassDeclaration, "Done"), spec.events.Done.description],
      [find(file, isMember, "handle"), spec.steps.handle.description],
    ];
    for (const [node, description] of cases) {
      const doc = docOf(node);
      expect(doc.text.startsWith(asDocText(description))).toBe(true);
      // The base class's generated usage notes carry the only tag: its @example.
      expect(doc.tags).toEqual(ts.isClassDeclaration(node) && node.name?.text === "HostileBase" ? ["example"] : []);
    }
  });

  test("carries the pattern unchanged into a RegExp built from a string literal", () => {
    const literals: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.expression.getText() === "RegExp") literals.push((node.arguments![0] as ts.StringLiteral).text);
      ts.forEachChild(node, visit);
    };
    visit(file);
    expect(literals).toEqual([spec.types.Payload.fields.text.pattern]);
    const schema = hostile.PayloadSchema;
    expect(schema.safeParse({ text: spec.types.Payload.fields.text.default }).success).toBe(true);
    expect(schema.safeParse({ text: "a \\ backslash" }).success).toBe(false);
  });

  test("carries defaults and enum values unchanged", () => {
    expect(hostile.PayloadSchema.parse({})).toEqual({ text: spec.types.Payload.fields.text.default });
    const state = hostile.HostileStateSchema.parse({});
    expect(state.note).toBe(spec.state.note.default);
    for (const value of spec.state.note.enum) expect(hostile.HostileStateSchema.shape.note.safeParse(value).data).toBe(value);
    expect(hostile.HostileStateSchema.shape.note.safeParse("*/ ").success).toBe(false);

    // `__proto__` in a default stays an own property: it neither sets the prototype nor pollutes it.
    const blob = state.blob as Record<string, unknown>;
    expect(Object.getPrototypeOf(blob)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(blob, "__proto__")?.value).toEqual({ polluted: true });
    expect(Object.keys(blob)).toEqual(Object.keys(spec.state.blob.default));
    expect({ ...blob, __proto__: undefined }).toEqual({ ...spec.state.blob.default, __proto__: undefined });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();

    const go = new hostile.Go({ payload: { text: "" } });
    expect(go.label).toBe(spec.events.Go.fields.label.default);
    expect(hostile.Go.schema.parse({ payload: {} }).label).toBe(spec.events.Go.fields.label.default);
    expect(hostile.Go.typeName).toBe("Go");
  });

  test("keeps a hostile spec path in the header's single line and a hostile module path in its string", () => {
    const source = [
      "flowspec: 1",
      "workflow: Paths",
      "resources:",
      "  tool:",
      "    type: Tool",
      '    module: "./we\\"ird \\u2028 `${x}` */ </script>\\\\.ts"',
      "    factory: createTool",
      "steps:",
      "  only:",
      "    accepts: StartEvent",
      "    emits: StopEvent",
      "    resources: [tool]",
    ].join("\n");
    const path = "specs/evil\u2028import x from 'y';\n.yaml";
    const result = compile(source, { path, outPath: "generated/evil.ts" });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const text = result.files[0]!.contents;
    const [header, blank] = text.split("\n");
    expect(header).toBe("// Code generated by flowspec from specs/evil\\u2028import x from 'y';\\u000a.yaml. DO NOT EDIT.");
    expect(blank).toBe("");
    const module = parseModule(text);
    const imports = module.statements.filter(ts.isImportDeclaration).map((d) => (d.moduleSpecifier as ts.StringLiteral).text);
    expect(imports).toEqual(["flowspec/runtime", "../specs/we\"ird \u2028 `${x}` */ </script>\\.js"]);
  });
});
