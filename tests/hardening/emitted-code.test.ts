// The emitted code itself, type-checked and run:
//   - a sample of random valid specs (support/spec-gen.ts) and the hostile spec (support/hostile.ts)
//     are compiled into a temp folder inside the repo and checked by ONE `tsc` run (strict,
//     noUnusedLocals, noImplicitOverride), user classes included;
//   - the hostile module means what the harmless one means: the same top-level statements and the
//     same syntax tree, string contents aside;
//   - imported at run time, every hostile value round-trips exactly: defaults, enums, patterns,
//     map keys (`__proto__` included), and a run of the workflow carries them end to end;
//   - the random samples' state defaults and event payloads are accepted by their own zod schemas.

import fc from "fast-check";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { compile } from "../../compiler/compile.js";
import { checkEvent } from "../../runtime/validate.js";
import { BENIGN, BENIGN_MODULE, HOSTILE, HOSTILE_MODULE, hostileSpec, TOOL_MODULE_SOURCE } from "./support/hostile.js";
import { validSpec, type GeneratedSpec } from "./support/spec-gen.js";
import { createTmpProject, errorsFor, type TmpProject } from "./support/tmp-project.js";
import { syntaxShape, topLevelStatements } from "./support/typescript.js";
import { escapeRegExp, sameValue } from "./support/values.js";

const SAMPLES = 12;

const RESOURCES_SOURCE = `// Resource modules the generated samples import.
export interface Alpha { readonly name: "alpha" }
export function createAlpha(): Alpha { return { name: "alpha" }; }
export interface Beta { readonly name: "beta" }
export async function createBeta(): Promise<Beta> { return { name: "beta" }; }
export type Gamma = { readonly name: "gamma" };
export const createGamma = (): Gamma => ({ name: "gamma" });
`;

/**
 * Field names that are also members of every object's prototype. DESIGN.md allows them (only `__`
 * prefixes are refused), but zod reads a payload's fields through the prototype chain and an event
 * class cannot declare them without `override`. Either the checks refuse every one of them (each an
 * `invalid-identifier` from analyze, so `flowspec check` agrees with `build`), or the code works.
 */
const PROTO_FIELDS = ["toString", "valueOf", "hasOwnProperty", "isPrototypeOf"];
const PROTO_SPEC = `flowspec: 1
workflow: Proto
state:
  toString: { type: string, default: "t" }
  valueOf: integer?
events:
  Go:
    kind: start
    fields:
      hasOwnProperty: { type: string, default: "h" }
      isPrototypeOf: string?
steps:
  go: { accepts: Go, emits: StopEvent }
`;

const USER_CLASS = `// The app's side: a user class over the hostile base, annotated the documented way.
import { Done, Go, HostileBase, type HostileContext, type HostileSteps } from "./hostile.js";

export class HostileFlow extends HostileBase {
  async handle(ev: Go, ctx: HostileContext<"handle">, resources: HostileSteps["handle"]["resources"]): Promise<Done> {
    await ctx.store.editState((state) => {
      state.list = [...state.list].reverse();
    });
    return new Done({ echo: \`\${ev.label}|\${resources.tool.name}\`, mode: ev.payload?.mode });
  }
}
`;

const PROTO_USER_CLASS = `import { StopEvent } from "flowspec/runtime";
import { ProtoBase } from "./proto.js";

export class ProtoFlow extends ProtoBase {
  async go(): Promise<StopEvent> {
    return new StopEvent({ result: "ok" });
  }
}
`;

let project: TmpProject;
/** Whether the compiler refused PROTO_SPEC (then there is no proto module to check). */
let protoRefused = false;
let samples: GeneratedSpec[];
let tsc: Promise<{ code: number; output: string }>;
const sources: Record<string, string> = {};

beforeAll(() => {
  project = createTmpProject("emitted");
  project.write("support/resources.ts", RESOURCES_SOURCE);
  samples = fc.sample(validSpec(), { seed: 7, numRuns: SAMPLES });
  samples.forEach((spec, i) => emit(spec.yaml, `valid-${i}`));

  emit(hostileSpec(HOSTILE, HOSTILE_MODULE).yaml, "hostile");
  project.write(join(HOSTILE_MODULE, "..", "tool.ts"), TOOL_MODULE_SOURCE);
  project.write("hostile-user.ts", USER_CLASS);
  // The spec's own path is hostile too: it lands in the header's line comment.
  emit(hostileSpec(HOSTILE, HOSTILE_MODULE).yaml, "hostile-path", `${project.rel}/evil\nexport const injected = 1; \u2028 *\r\u2029 path.yaml`);
  protoRefused = compile(PROTO_SPEC).diagnostics.some((d) => d.severity === "error");
  if (!protoRefused) {
    emit(PROTO_SPEC, "proto");
    project.write("proto-user.ts", PROTO_USER_CLASS);
  }
  tsc = project.typecheck();
}, 60_000);

afterAll(() => project?.remove());

function emit(yaml: string, name: string, specPath = `${project.rel}/${name}.yaml`): void {
  const result = compile(yaml, { path: specPath, outPath: `${project.rel}/${name}.ts` });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result.files).toHaveLength(1);
  sources[name] = result.files[0]!.contents;
  project.write(`${name}.ts`, result.files[0]!.contents);
}

async function load<T = Record<string, unknown>>(name: string): Promise<T> {
  return (await import(/* @vite-ignore */ join(project.dir, `${name}.ts`))) as T;
}

describe("tsc over the emitted modules (one run)", () => {
  test(`${SAMPLES} random valid specs type-check`, { timeout: 60_000 }, async () => {
    const { output } = await tsc;
    for (let i = 0; i < SAMPLES; i++) expect(errorsFor(output, `valid-${i}.ts`), samples[i]!.yaml).toEqual([]);
  });

  test("the hostile module, with its user class, type-checks", { timeout: 60_000 }, async () => {
    const { output } = await tsc;
    expect(errorsFor(output, "hostile")).toEqual([]);
  });

  test("fields named like Object.prototype members: refused by the checks, or the code type-checks", { timeout: 60_000 }, async () => {
    if (protoRefused) {
      // Refused: then by analyze (what `flowspec check` and editors run), every one of them.
      const fromAnalyze = analyze(PROTO_SPEC).diagnostics.filter((d) => d.code === "invalid-identifier").map((d) => d.message);
      for (const name of PROTO_FIELDS) expect(fromAnalyze.some((message) => message.includes(`'${name}'`) || message.includes(`"${name}"`)), name).toBe(true);
      expect(compile(PROTO_SPEC).diagnostics).toEqual(analyze(PROTO_SPEC).diagnostics);
      return;
    }
    const { output } = await tsc;
    expect(errorsFor(output, "proto")).toEqual([]);
  });

  test("nothing else fails (the runtime and support modules they import)", { timeout: 60_000 }, async () => {
    const { output } = await tsc;
    const covered = /(valid-\d+|hostile|proto)[^/]*\.ts\(/;
    expect(output.split("\n").filter((line) => line.includes("error TS") && !covered.test(line))).toEqual([]);
  });
});

describe("hostile text changes what the code says, never what it does", () => {
  test("the top-level statements are exactly the expected ones", () => {
    expect(topLevelStatements(sources.hostile!)).toEqual([
      "ImportDeclaration flowspec/runtime",
      `ImportDeclaration ${HOSTILE_MODULE}`,
      "InterfaceDeclaration Payload",
      "VariableStatement PayloadSchema",
      "ClassDeclaration Go",
      "ClassDeclaration Progress",
      "ClassDeclaration Done",
      "InterfaceDeclaration HostileState",
      "VariableStatement HostileStateSchema",
      "InterfaceDeclaration HostileResources",
      "TypeAliasDeclaration HostileStreamable",
      "ClassDeclaration HostileBase",
      "InterfaceDeclaration HostileSteps",
      "TypeAliasDeclaration HostileContext",
    ]);
  });

  test("the syntax tree is the harmless spec's, node for node", () => {
    const benign = compile(hostileSpec(BENIGN, BENIGN_MODULE).yaml, { path: `${project.rel}/hostile.yaml`, outPath: `${project.rel}/hostile.ts` });
    expect(benign.diagnostics).toEqual([]);
    expect(syntaxShape(sources.hostile!)).toEqual(syntaxShape(benign.files[0]!.contents));
  });

  test("a hostile spec path stays inside the header's line comment", () => {
    const [header, ...rest] = sources["hostile-path"]!.split("\n");
    expect(header).toMatch(/^\/\/ Code generated by flowspec from .*\. DO NOT EDIT\.$/);
    expect(rest.join("\n")).toBe(sources.hostile!.split("\n").slice(1).join("\n"));
    expect(topLevelStatements(sources["hostile-path"]!)).toEqual(topLevelStatements(sources.hostile!));
  });

  test("no bidirectional-text controls reach the code (Trojan Source, CVE-2021-42574)", () => {
    // Raw U+202A-U+202E / U+2066-U+2069 make an editor or a code review show the code in another order
    // than the compiler reads it; the emitter escapes other invisible characters (U+2028, C1 controls)
    // in strings already.
    const bidi = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;
    const lines = sources.hostile!.split("\n").flatMap((line, i) => (bidi.test(line) ? [`${i + 1}: ${JSON.stringify(line).slice(0, 80)}`] : []));
    expect(lines).toEqual([]);
  });
});

type Schema = { parse(value: unknown): unknown; safeParse(value: unknown): { success: boolean }; shape: Record<string, unknown> };
type EventClass = (new (data?: Record<string, unknown>) => Record<string, unknown>) & { schema: Schema; typeName: string; kind: string };

describe("hostile values round-trip exactly at run time", () => {

  test("state defaults, patterns and enum values", { timeout: 30_000 }, async () => {
    const mod = await load<{ HostileStateSchema: Schema }>("hostile");
    const state = mod.HostileStateSchema.parse({}) as Record<string, unknown>;
    HOSTILE.forEach((text, i) => {
      expect(state[`s${i}`], `s${i}`).toBe(text);
      const field = mod.HostileStateSchema.shape[`s${i}`] as Schema;
      expect(field.safeParse(text).success, `s${i} accepts its own text`).toBe(true);
      expect(field.safeParse(`${text}x`).success, `s${i} refuses more`).toBe(false);
      expect(patternOf(field)?.source, `s${i} pattern`).toBe(new RegExp(`^${escapeRegExp(text)}$`).source);
    });

    const choice = mod.HostileStateSchema.shape.choice as Schema;
    expect(state.choice).toBe(HOSTILE[HOSTILE.length - 2]);
    for (const text of HOSTILE) expect(choice.safeParse(text).success, JSON.stringify(text)).toBe(true);
    for (const text of HOSTILE) if (!HOSTILE.includes(`${text} `)) expect(choice.safeParse(`${text} `).success, JSON.stringify(`${text} `)).toBe(false);
    expect(enumOptions(choice)).toEqual([...new Set(HOSTILE)]);

    expect(state.list).toEqual([...HOSTILE]);
    expect(state.dict).toEqual(Object.fromEntries(HOSTILE.map((text) => [text, text])));
    const blob = state.blob as Record<string, unknown>;
    expect(Object.getPrototypeOf(blob)).toBe(Object.prototype);
    expect(Object.hasOwn(blob, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(blob, "__proto__")?.value).toEqual({ polluted: HOSTILE[0] });
    HOSTILE.forEach((text, i) => {
      if (text !== "__proto__") expect(blob[text], JSON.stringify(text)).toEqual([i, text]);
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("event defaults, enums and the named type's pattern", { timeout: 30_000 }, async () => {
    const mod = await load<{ Go: EventClass; Done: EventClass; PayloadSchema: Schema }>("hostile");
    const go = new mod.Go();
    expect(go.label).toBe(HOSTILE[8]);
    expect(go.tags).toEqual({ [HOSTILE[1]!]: HOSTILE[3], [HOSTILE[4]!]: HOSTILE[16] });
    expect(mod.Go.schema.parse({})).toEqual({ label: HOSTILE[8], tags: go.tags });
    expect(mod.Go.typeName).toBe("Go");
    expect(mod.Go.kind).toBe("start");

    const payload = mod.PayloadSchema.parse({}) as { text: string };
    expect(payload.text).toBe(HOSTILE[9]);
    for (const text of HOSTILE) expect(mod.PayloadSchema.safeParse({ text, mode: text }).success, JSON.stringify(text)).toBe(true);
    expect(mod.PayloadSchema.safeParse({ text: "not hostile" }).success).toBe(false);
    for (const text of HOSTILE) expect(mod.Done.schema.safeParse({ echo: "", mode: text }).success).toBe(true);
    expect(mod.Done.schema.safeParse({ echo: "", mode: "none of them" }).success).toBe(false);
  });

  test("a run carries the hostile defaults end to end", { timeout: 30_000 }, async () => {
    const { HostileFlow } = await load<{ HostileFlow: new () => { run(input?: unknown): PromiseLike<{ echo: string; mode?: string }> & { ctx: { store: { getState(): Record<string, unknown> } } } } }>("hostile-user");
    const handler = new HostileFlow().run({ payload: { text: HOSTILE[0], mode: HOSTILE[20] } });
    const done = await handler;
    expect(done.echo).toBe(`${HOSTILE[8]}|tool`);
    expect(done.mode).toBe(HOSTILE[20]);
    const state = handler.ctx.store.getState();
    expect(state.list).toEqual([...HOSTILE].reverse());
    expect(state.s5).toBe(HOSTILE[5]);
  });
});

describe("random valid specs at run time", () => {
  test(`${SAMPLES} samples: state defaults parse, payloads and defaults fit their own schemas`, { timeout: 30_000 }, async () => {
    const problems: string[] = [];
    for (const [i, spec] of samples.entries()) {
      const mod = await load(`valid-${i}`);
      const stateSchema = mod[`${spec.workflow}StateSchema`] as Schema | undefined;
      if (stateSchema) {
        const parsed = stateSchema.safeParse({}) as { success: boolean; data?: Record<string, unknown>; error?: { issues: unknown } };
        if (!parsed.success) problems.push(`valid-${i}: ${spec.workflow}StateSchema.parse({}) fails: ${JSON.stringify(parsed.error?.issues)}`);
        else {
          for (const [name, value] of Object.entries(spec.stateDefaults)) if (!sameValue(parsed.data![name], value)) problems.push(`valid-${i}: state default ${name}`);
          for (const name of spec.stateOptional) if (Object.hasOwn(parsed.data!, name)) problems.push(`valid-${i}: optional state field ${name} is set`);
        }
      }
      for (const [event, payload] of Object.entries(spec.payloads)) {
        const cls = mod[event] as EventClass;
        let ev: Record<string, unknown>;
        try {
          ev = new cls(payload);
        } catch (error) {
          problems.push(`valid-${i}: new ${event}(${JSON.stringify(payload)}) throws ${String(error)}`);
          continue;
        }
        const invalid = checkEvent(ev as never);
        if (invalid) problems.push(`valid-${i}: ${event} with ${JSON.stringify(payload)}: ${invalid.message}`);
        for (const [name, value] of Object.entries(spec.eventDefaults[event] ?? {})) {
          if (!sameValue(ev[name], value)) problems.push(`valid-${i}: ${event}.${name} default`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test("fields named like Object.prototype members: state parses, events validate, the run ends", { timeout: 30_000 }, async () => {
    if (protoRefused) return; // the checks refuse them (judged above)
    const mod = await load<{ ProtoStateSchema: Schema; Go: EventClass }>("proto");
    expect(mod.ProtoStateSchema.safeParse({})).toMatchObject({ success: true, data: { toString: "t" } });
    const go = new mod.Go();
    expect(go.hasOwnProperty).toBe("h");
    expect(go.isPrototypeOf).toBeUndefined();
    expect(checkEvent(go as never)).toBeNull();
    const { ProtoFlow } = await load<{ ProtoFlow: new () => { run(): PromiseLike<unknown> } }>("proto-user");
    await expect(Promise.resolve(new ProtoFlow().run())).resolves.toBe("ok");
  });
});

/** The RegExp of a zod string schema's `.regex()` check (zod 4 keeps it on the check's definition). */
function patternOf(schema: unknown): RegExp | undefined {
  let node = schema as { _zod: { def: { innerType?: unknown; checks?: { _zod: { def: { pattern?: RegExp } } }[] } } };
  while (node._zod.def.innerType !== undefined) node = node._zod.def.innerType as typeof node;
  return node._zod.def.checks?.map((check) => check._zod.def.pattern).find((pattern) => pattern instanceof RegExp);
}

/** A zod enum's options, through `.default()` / `.optional()` wrappers. */
function enumOptions(schema: unknown): unknown[] {
  let node = schema as { options?: unknown[]; _zod: { def: { innerType?: unknown } } };
  while (node.options === undefined && node._zod.def.innerType !== undefined) node = node._zod.def.innerType as typeof node;
  return node.options ?? [];
}
