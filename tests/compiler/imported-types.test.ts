// Imported types (docs/spec-language.md, "Imported types"): the syntax (a `types` entry and a field's
// inline `type: { import, name }`), the checks on the module (missing-module, missing-export,
// unchecked-import, unsafe-module-path), the light reading of a module's exports, what the emitter
// writes, the shape `flowspec diff` compares, and the wiring of the disk reader into `build`.

import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { build } from "../../compiler/build.js";
import { moduleCandidates, type ReadModule } from "../../compiler/checks/index.js";
import { readExports } from "../../compiler/checks/module-exports.js";
import { compile } from "../../compiler/compile.js";
import { diffModels } from "../../compiler/diff.js";
import { shapeOfModel } from "../../compiler/shape.js";
import { resumeBreaks } from "../../runtime/durable/index.js";
import { run } from "../support/run-command.js";

const SCHEMAS = `import { z } from "zod";
export const ToolCallSchema = z.object({ tool: z.string() });
export type ToolCall = z.infer<typeof ToolCallSchema>;
export const VerdictSchema = z.object({ ok: z.boolean() });
export interface Verdict { ok: boolean }
`;

/** A reader over in-memory files, recording what was asked for. */
function memory(files: Record<string, string>): ReadModule & { asked: string[] } {
  const asked: string[] = [];
  const read = (path: string) => {
    asked.push(path);
    return Object.hasOwn(files, path) ? files[path] : undefined;
  };
  return Object.assign(read, { asked });
}

const defaultReader = memory({ "specs/support/schemas.ts": SCHEMAS });

/** A spec whose stop event has the given fields (YAML flow mapping body), with optional `types:`. */
function spec(fields: string, types = "", state = ""): string {
  return [
    "flowspec: 1",
    "workflow: ToolFlow",
    ...(types ? ["types:", types] : []),
    ...(state ? ["state:", state] : []),
    "events:",
    "  Done:",
    "    kind: stop",
    `    fields: { ${fields} }`,
    "steps:",
    "  call_tools: { accepts: StartEvent, emits: Done }",
    "",
  ].join("\n");
}

const TOOLCALL_ENTRY = "  ToolCall: { import: ./support/schemas.js }";

function diagnose(source: string, readModule: ReadModule | undefined = defaultReader, path = "specs/tools.yaml") {
  return analyze(source, { path, ...(readModule === undefined ? {} : { readModule }) }).diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`);
}

describe("syntax", () => {
  it("a types entry imports a type; fields use it with the whole type grammar", () => {
    const { model, diagnostics } = analyze(spec('calls: "ToolCall[]", maybe: ToolCall?, byId: map<ToolCall>', TOOLCALL_ENTRY), { path: "specs/tools.yaml", readModule: defaultReader });
    expect(diagnostics).toEqual([]);
    expect(model!.types).toEqual([expect.objectContaining({ name: "ToolCall", fields: [], import: expect.objectContaining({ module: "./support/schemas.js", name: "ToolCall" }) })]);
    expect(model!.events[0]!.fields.map((f) => [f.name, f.optional])).toEqual([["calls", false], ["maybe", true], ["byId", false]]);
  });

  it("a types entry may import under another name", () => {
    const { model, diagnostics } = analyze(spec("check: Check", "  Check: { import: ./support/schemas.js, name: Verdict }"), { path: "specs/tools.yaml", readModule: defaultReader });
    expect(diagnostics).toEqual([]);
    expect(model!.types[0]).toMatchObject({ name: "Check", import: { name: "Verdict" } });
  });

  it("a field imports inline; the same import in two fields is one type", () => {
    const inline = "{ type: { import: ./support/schemas.js, name: ToolCall } }";
    const { model, diagnostics } = analyze(spec(`a: ${inline}, b: { type: { import: ./support/schemas.js, name: "ToolCall[]?" } }`), { path: "specs/tools.yaml", readModule: defaultReader });
    expect(diagnostics).toEqual([]);
    expect(model!.types).toHaveLength(1);
    expect(model!.types[0]).toMatchObject({ name: "ToolCall", inlineIn: "field 'a' of event 'Done'" });
    expect(model!.events[0]!.fields[1]).toMatchObject({ name: "b", optional: true, type: { kind: "array", element: { kind: "named", name: "ToolCall" } } });
  });

  it.each([
    ["both fields and import", "  ToolCall: { import: ./support/schemas.js, fields: {} }", "ToolCall", /has both 'import' and 'fields'/],
    ["neither", "  ToolCall: { description: nothing }", "ToolCall", /needs 'fields' \(a type declared here\) or 'import'/],
    ["name without import", "  ToolCall: { fields: {}, name: Other }", "ToolCall", /'name' of type 'ToolCall' applies only to an imported type/],
  ])("a types entry with %s is a schema error", (_, types, field, message) => {
    const found = diagnose(spec(`x: ${field}`, types));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/ error schema: /);
    expect(found[0]).toMatch(message);
  });

  it("an inline import's name must name one type; its keys are required and no others are allowed", () => {
    expect(diagnose(spec("x: { type: { import: ./support/schemas.js, name: string } }"))).toEqual([
      "6:64 error schema: field 'x' has an invalid type: 'name' must name the imported type, as in 'ToolCall', 'ToolCall[]' or 'ToolCall?'",
    ]);
    expect(diagnose(spec("x: { type: { import: ./support/schemas.js } }"))).toEqual([
      "6:20 error schema: 'type' of field 'x' of event 'Done' is missing required key 'name'",
    ]);
    const extra = diagnose(spec("x: { type: { import: ./support/schemas.js, name: ToolCall, fields: {} } }"));
    expect(extra).toHaveLength(1);
    expect(extra[0]).toMatch(/error schema: .*unknown key 'fields'/);
    expect(diagnose(spec("x: { type: { import: ./support/schemas.js, name: toolCall } }"))).toEqual([
      "6:64 error invalid-identifier: field 'x' has an invalid type: an imported type's 'name' must be a PascalCase type name (to import another name, declare it under 'types' with 'import' and 'name')",
    ]);
    expect(diagnose(spec("x: { type: { import: ./support/schemas.js, name: ToolCall?? } }"))).toEqual([
      "6:73 error schema: field 'x' has an invalid type: '?' may appear only once, at the end of the type",
    ]);
  });

  it("names: an inline import colliding with a declared type, two modules for one name, an invalid export name", () => {
    const declared = diagnose(spec("a: ToolCall, b: { type: { import: ./support/schemas.js, name: ToolCall } }", "  ToolCall: { fields: { tool: string } }"));
    expect(declared).toEqual([expect.stringMatching(/duplicate-name: type 'ToolCall' imported by field 'b' of event 'Done' collides with type 'ToolCall'/)]);
    const twoModules = diagnose(spec("a: { type: { import: ./support/schemas.js, name: ToolCall } }, b: { type: { import: ./support/other.js, name: ToolCall } }"));
    expect(twoModules.filter((d) => d.includes("duplicate-name"))).toHaveLength(1);
    expect(diagnose(spec("c: Check", "  Check: { import: ./support/schemas.js, name: \"not-a-name\" }"))).toEqual([
      expect.stringMatching(/invalid-identifier: 'name' 'not-a-name' of type 'Check' must be a JavaScript identifier/),
    ]);
    expect(diagnose(spec("e: { type: { import: ./support/schemas.js, name: Event } }"))).toEqual([
      expect.stringMatching(/invalid-identifier: type 'Event' imported by field 'e' of event 'Done' is taken by/),
    ]);
  });

  it("an unused imported types entry is unused-type; an inline import never is", () => {
    expect(diagnose(spec("x: string", TOOLCALL_ENTRY))).toEqual([
      expect.stringMatching(/warning unused-type: type 'ToolCall' is declared but no event/),
    ]);
  });

  it("a default of an imported type is left to TypeScript and zod; constraints apply as to a named type", () => {
    expect(diagnose(spec("x: string", TOOLCALL_ENTRY, "  calls: { type: \"ToolCall[]\", default: [{ tool: a }], minLength: 1 }"))).toEqual([]);
    expect(diagnose(spec("x: { type: ToolCall, minLength: 1 }", TOOLCALL_ENTRY))).toEqual([
      expect.stringMatching(/error schema: 'minLength' of field 'x' of event 'Done' applies to string and array fields, not to 'ToolCall'/),
    ]);
  });
});

describe("checks on the module", () => {
  it("missing-module: a relative path that resolves to no file, with every file tried", () => {
    const reader = memory({});
    expect(diagnose(spec("x: ToolCall", TOOLCALL_ENTRY), reader)).toEqual([
      `4:23 error missing-module: type 'ToolCall' is imported from "./support/schemas.js", which does not exist: there is no "specs/support/schemas.ts" (nor .tsx, .d.ts, .js or .jsx)`,
    ]);
    expect(reader.asked).toEqual(["specs/support/schemas.ts", "specs/support/schemas.tsx", "specs/support/schemas.d.ts", "specs/support/schemas.js", "specs/support/schemas.jsx"]);
  });

  it("resolves .js to .ts as TypeScript does, and finds a .d.ts or plain .js module", () => {
    expect(diagnose(spec("x: ToolCall", TOOLCALL_ENTRY), memory({ "specs/support/schemas.d.ts": "export declare const ToolCallSchema: unknown; export type ToolCall = {};" }))).toEqual([]);
    // A JavaScript module declares no types: only the schema is looked for.
    expect(diagnose(spec("x: ToolCall", TOOLCALL_ENTRY), memory({ "specs/support/schemas.js": "export const ToolCallSchema = {};" }))).toEqual([]);
    expect(moduleCandidates("./schemas.mjs", "specs/a.yaml")).toEqual(["specs/schemas.mts", "specs/schemas.d.mts", "specs/schemas.mjs"]);
    expect(moduleCandidates("./schemas.ts", "specs/a.yaml")).toEqual(["specs/schemas.ts"]);
    expect(moduleCandidates("../lib/schemas", "specs/a/b.yaml")).toEqual(["specs/lib/schemas.ts", "specs/lib/schemas.tsx", "specs/lib/schemas.d.ts", "specs/lib/schemas.js", "specs/lib/schemas.jsx"]);
  });

  it("missing-export: no schema, no type, or neither, at the name, with a suggestion", () => {
    const noSchema = memory({ "specs/support/schemas.ts": "export type ToolCall = { tool: string };" });
    expect(diagnose(spec("x: ToolCall", TOOLCALL_ENTRY), noSchema)).toEqual([
      `4:3 error missing-export: type 'ToolCall' is imported from "./support/schemas.js" (specs/support/schemas.ts), which exports no zod schema 'ToolCallSchema'`,
    ]);
    const noType = memory({ "specs/support/schemas.ts": "export const ToolCallSchema = 1;" });
    expect(diagnose(spec("x: ToolCall", TOOLCALL_ENTRY), noType)).toEqual([
      `4:3 error missing-export: type 'ToolCall' is imported from "./support/schemas.js" (specs/support/schemas.ts), which exports no type 'ToolCall'`,
    ]);
    expect(diagnose(spec("c: Check", "  Check: { import: ./support/schemas.js, name: Verdit }"))).toEqual([
      `4:48 error missing-export: type 'Check' is imported as 'Verdit' from "./support/schemas.js" (specs/support/schemas.ts), which exports neither the zod schema 'VerditSchema' nor the type 'Verdit' (did you mean 'Verdict'?)`,
    ]);
  });

  it("unchecked-import: a package, a module that re-exports with export *, a module that cannot be read", () => {
    expect(diagnose(spec("x: ToolCall", "  ToolCall: { import: \"@acme/schemas\" }"))).toEqual([
      expect.stringMatching(/^4:23 warning unchecked-import: type 'ToolCall' is imported from "@acme\/schemas", a package the compiler does not read/),
    ]);
    const reexports = memory({ "specs/support/schemas.ts": 'export * from "./generated.js";\nexport type ToolCall = {};' });
    expect(diagnose(spec("x: ToolCall", TOOLCALL_ENTRY), reexports)).toEqual([
      `4:3 warning unchecked-import: type 'ToolCall' is imported from "./support/schemas.js" (specs/support/schemas.ts): the compiler cannot see whether it exports the zod schema 'ToolCallSchema': it re-exports everything from "./generated.js" ('export *')`,
    ]);
    const denied: ReadModule = () => {
      throw Object.assign(new Error("denied"), { code: "EACCES" });
    };
    expect(diagnose(spec("x: ToolCall", TOOLCALL_ENTRY), denied)).toEqual([
      `4:23 warning unchecked-import: type 'ToolCall' is imported from "./support/schemas.js", but "specs/support/schemas.ts" could not be read (EACCES): its exports are not checked`,
    ]);
  });

  it("unsafe-module-path as for resources; such a module is never read", () => {
    const reader = memory({});
    const found = diagnose(spec("x: ToolCall, y: { type: { import: \"https://example.com/s.js\", name: Other } }", "  ToolCall: { import: ../../elsewhere/schemas.js }"), reader);
    expect(found).toEqual([
      `4:23 warning unsafe-module-path: module "../../elsewhere/schemas.js" of type 'ToolCall' leaves the project: it resolves to "../elsewhere/schemas.js", which is outside the project root '.'; keep modules inside the project, or import them as a package`,
      `8:49 warning unsafe-module-path: module "https://example.com/s.js" of type 'Other' imported by field 'y' of event 'Done' is a 'https:' URL; import code from a relative path or a package`,
    ]);
    expect(reader.asked).toEqual([]);
  });

  it("without a reader (a bare compile), the module is not checked and nothing is reported", () => {
    expect(diagnose(spec("x: ToolCall", TOOLCALL_ENTRY), undefined)).toEqual([]);
  });
});

describe("reading a module's exports", () => {
  it("finds values and types at the top level, and nothing in comments, strings, templates or regexes", () => {
    const exports = readExports(`import { z } from "zod";
// export const InComment = 1;
/* export const InBlock = 2; */
const s = "export const InString = 3";
const t = \`export const \${"x"} InTemplate\`;
const re = /export const InRegex/g;
export const ToolCallSchema = z.object({ name: z.string() });
export type ToolCall = z.infer<typeof ToolCallSchema>;
export interface Shaped { export: number }
export const A = 1, B = { c: 2 }
export function f() { const nested = 1; }
export { Local as Renamed, type OnlyType, Both }
export * as ns from "./ns.js";
export declare const D: number;
export abstract class Abs {}
export enum E { X }
export type { T1, T2 as T3 } from "./t.js";
export default function () {}
`);
    expect([...exports.values].sort()).toEqual(["A", "Abs", "B", "Both", "D", "E", "Renamed", "ToolCallSchema", "f", "ns"].sort());
    expect([...exports.types].sort()).toEqual(["Abs", "Both", "E", "OnlyType", "Renamed", "Shaped", "T1", "T3", "ToolCall"].sort());
    expect(exports.partial).toBeUndefined();
  });

  it("says when it cannot see everything", () => {
    expect(readExports('export * from "./x.js";').partial).toMatch(/re-exports everything from "\.\/x\.js"/);
    expect(readExports("export const { a, b } = obj;").partial).toMatch(/destructured/);
  });

  it("never throws on junk", () => {
    for (const junk of ["export", "export {", "export const", "`${", "/", "'", "export type", "export * as", "}}}export const X = 1"]) {
      expect(() => readExports(junk)).not.toThrow();
    }
    expect([...readExports("}}}export const X = 1").values]).toEqual(["X"]);
  });
});

describe("emitted code", () => {
  const source = spec('calls: "ToolCall[]", check: Check?', `${TOOLCALL_ENTRY}\n  Check: { import: ./support/schemas.js, name: Verdict }\n  Unused: { import: ./support/unused.js }`);
  const output = compile(source, { path: "specs/tools.yaml", outPath: "generated/tools.ts" }).files[0]!.contents;

  it("imports the type and the schema, relative to the output, aliased when renamed, never when unused", () => {
    expect(output).toContain(
      'import {\n  ToolCallSchema,\n  VerdictSchema as CheckSchema,\n  type ToolCall,\n  type Verdict as Check,\n} from "../specs/support/schemas.js";',
    );
    expect(output).not.toContain("unused.js");
    expect(output).not.toMatch(/export (interface|const) (ToolCall|Check)\b/);
  });

  it("uses the schema in the event's schema and the type in its fields", () => {
    expect(output).toContain("calls: z.array(ToolCallSchema),\n    check: CheckSchema.optional(),");
    expect(output).toContain("readonly calls: ToolCall[];\n  readonly check?: Check;");
  });

  it("ends with one check per imported type used, so TypeScript sees a module whose pair disagrees", () => {
    expect(output.endsWith("void (CheckSchema satisfies z.ZodType<Check>);\nvoid (ToolCallSchema satisfies z.ZodType<ToolCall>);\n")).toBe(true);
    expect(output).not.toContain("UnusedSchema");
  });

  it("is deterministic", () => {
    expect(compile(source, { path: "specs/tools.yaml", outPath: "generated/tools.ts" }).files[0]!.contents).toBe(output);
  });
});

describe("shape and flowspec diff", () => {
  const shapeOf = (source: string) => shapeOfModel(analyze(source, { path: "specs/tools.yaml" }).model!);
  const modelOf = (source: string) => analyze(source, { path: "specs/tools.yaml" }).model!;

  it("a field of an imported type has the type import:<module>#<name>, however the spec names or spells it", () => {
    const shape = shapeOf(spec("calls: \"Calls[]\", one: { type: { import: ./support/a/../schemas.ts, name: \"ToolCall?\" } }", "  Calls: { import: ./support/schemas.js, name: ToolCall }"));
    expect(shape.events.find((e) => e.name === "Done")!.fields).toEqual([
      { name: "calls", type: "import:./support/schemas.js#ToolCall[]" },
      { name: "one", type: "import:./support/schemas.js#ToolCall", optional: true },
    ]);
    expect(shape.types).toEqual([]);
  });

  it("a journaled run that holds the event cannot resume on a version whose import moved", () => {
    const was = shapeOf(spec("call: ToolCall", TOOLCALL_ENTRY));
    const now = shapeOf(spec("call: ToolCall", "  ToolCall: { import: ./support/tools.js }"));
    expect(resumeBreaks(was, now, { events: new Set(["Done"]), pending: new Map() })).toEqual([
      'event "Done" field "call" is import:./support/tools.js#ToolCall, was import:./support/schemas.js#ToolCall',
    ]);
    expect(resumeBreaks(was, shapeOf(spec("call: ToolCall", "  ToolCall: { import: ./support/schemas.ts }")), { events: new Set(["Done"]), pending: new Map() })).toEqual([]);
  });

  it("diff reports a changed import as a retyped field (breaking), and a renamed alias as no change", () => {
    const was = modelOf(spec("call: ToolCall", TOOLCALL_ENTRY));
    const moved = modelOf(spec("call: ToolCall", "  ToolCall: { import: ./support/tools.js }"));
    expect(diffModels(was, moved)).toEqual([
      { breaking: true, message: 'event "Done" field "call" is import:./support/tools.js#ToolCall, was import:./support/schemas.js#ToolCall' },
    ]);
    const renamed = modelOf(spec("call: Call", "  Call: { import: ./support/schemas.js, name: ToolCall }"));
    expect(diffModels(was, renamed)).toEqual([]);
  });
});

describe("build reads the modules from disk", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function project(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "flowspec-imported-"));
    dirs.push(dir);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  it("writes the output when the module exports the pair, and reports a missing module with its position", async () => {
    const dir = await project({ "specs/tools.yaml": spec("x: ToolCall", TOOLCALL_ENTRY), "specs/support/schemas.ts": SCHEMAS });
    const ok = await build(["specs"], { cwd: dir });
    expect(ok.errors).toBe(0);
    expect(await readFile(join(dir, "generated/tools.ts"), "utf8")).toContain('from "../specs/support/schemas.js";');

    await rm(join(dir, "specs/support/schemas.ts"));
    const broken = await build(["specs"], { cwd: dir });
    expect(broken.errors).toBe(1);
    expect(broken.files[0]!.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(["4:23 missing-module"]);
  });

  it("flowspec check reads them relative to its working folder", async () => {
    const dir = await project({ "specs/tools.yaml": spec("x: ToolCall", "  ToolCall: { import: ./support/schemas.js, name: ToolCal }"), "specs/support/schemas.ts": SCHEMAS });
    const result = await run(["check", "specs", "--format", "json"], dir);
    expect(result.code).toBe(1);
    const [file] = JSON.parse(result.stdout).files as { path: string; diagnostics: { code: string; line: number; column: number; message: string }[] }[];
    expect(file!.path).toBe("specs/tools.yaml");
    expect(file!.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(["4:51 missing-export"]);
    expect(file!.diagnostics[0]!.message).toContain("(did you mean 'ToolCall'?)");
  });
});
