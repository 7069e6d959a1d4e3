// Stage 2: the loaded document against schema/flowspec.schema.json. ajv finds the problems; this module
// turns its errors into one readable `schema` diagnostic per problem, placed on the YAML node at fault.

import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import schemaJson from "../schema/flowspec.schema.json" with { type: "json" };
import { diagnostic, sortDiagnostics, type Diagnostic, type Span } from "./diagnostics.js";
import { printable } from "./load.js";
import type { DocPath, Locator } from "./locate.js";
import { describeExpected, describeFound, describePath, type SchemaNode } from "./schema-describe.js";
import { closest, didYouMean } from "./suggest.js";

/** More problems than this in one file are summarized: a junk document should not flood the terminal. */
export const MAX_SCHEMA_DIAGNOSTICS = 50;

const ROOT_SCHEMA = schemaJson as SchemaNode & { definitions: Record<string, SchemaNode> };

let cachedValidator: ValidateFunction | undefined;

/** Compiled on first use, then shared: compiling costs far more than validating. */
function validator(): ValidateFunction {
  if (!cachedValidator) {
    // verbose: errors carry the failing value and schema node, which the messages are built from.
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    ajv.addFormat("regex", { type: "string", validate: (text: string) => regexError(text) === undefined });
    cachedValidator = ajv.compile(inlineRefs(ROOT_SCHEMA) as object);
  }
  return cachedValidator;
}

/**
 * The published schema uses `$ref` (editors like it); ajv compiles each referenced definition into its own
 * function and, with allErrors, concatenates the errors of every call: quadratic in the number of failing
 * entries, seconds for a hostile 1 MB spec. Our schema has no recursion, so we inline every `$ref` instead.
 */
function inlineRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inlineRefs);
  if (typeof node !== "object" || node === null) return node;
  const { $ref, definitions: _definitions, ...rest } = node as Record<string, unknown>;
  const inlined = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inlineRefs(value)]));
  return typeof $ref === "string" ? { ...(inlineRefs(resolveRef($ref)) as object), ...inlined } : inlined;
}

/** Checks a loaded document against the spec's JSON Schema; never throws. */
export function checkSchema(data: unknown, locator: Locator, file?: string): Diagnostic[] {
  if (!isMapping(data)) {
    const message = printable(`the document must be a mapping with keys flowspec, workflow, steps, not ${describeFound(data)}`);
    return [diagnostic("schema", message, startOf(locator.value([])), file)];
  }
  const validate = validator();
  if (validate(data)) return [];

  const problems = listProblems(collapseBranches(validate.errors ?? []));
  const shown = problems.slice(0, MAX_SCHEMA_DIAGNOSTICS);
  const place = (problem: Problem) => {
    const path = problem.key === undefined ? toDocPath(problem.pointer, data) : [...toDocPath(problem.pointer, data), problem.key];
    return { path, span: problem.at === "key" && path.length > 0 ? locator.key(path) : locator.value(path) };
  };
  const diagnostics = dedupe(
    shown.map((problem) => {
      const { path, span } = place(problem);
      // Messages quote values and keys from the spec: escape what a terminal would act on.
      return diagnostic("schema", printable(problem.message(path)), span, file);
    }),
  );
  if (problems.length > shown.length) {
    const message = `${problems.length - shown.length} more schema problems not shown`;
    diagnostics.push(diagnostic("schema", message, startOf(place(problems[shown.length]!).span), file));
  }
  return sortDiagnostics(diagnostics);
}

/** One problem to report. Its words are built only if it is shown: a junk spec can have 100,000. */
interface Problem {
  /** ajv's JSON pointer to the value at fault. */
  pointer: string;
  /** For an unknown key: the key, below `pointer`. */
  key?: string;
  /** Point at the entry's key (unknown, incomplete or empty entries) or at its value. */
  at: "key" | "value";
  message(path: DocPath): string;
}

/**
 * ajv reports every failing branch of an `anyOf` followed by the `anyOf` error itself. A branch whose
 * `type` does not match the value is noise; if the value matched a branch's type, that branch's errors
 * are the real problem, otherwise the `anyOf` error alone says what was expected.
 */
function collapseBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  const kept: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== "anyOf" && error.keyword !== "oneOf") {
      kept.push(error);
      continue;
    }
    // Branch errors are the trailing run at or below this value (one schema node per value in our schema).
    let start = kept.length;
    while (start > 0 && isWithin(kept[start - 1]!.instancePath, error.instancePath)) start--;
    const branchErrors = kept.splice(start);
    const relevant = branchErrors.filter((e) => !(e.keyword === "type" && e.instancePath === error.instancePath));
    // A loop, not push(...): one value can fail a branch 100,000 times, past the spread's argument limit.
    for (const item of relevant.length > 0 ? relevant : [error]) kept.push(item);
  }
  return kept;
}

function listProblems(errors: readonly ErrorObject[]): Problem[] {
  const unknownKeys = new Map<string, string[]>();
  const missingKeys = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword === "additionalProperties") push(unknownKeys, error.instancePath, additionalProperty(error));
    if (error.keyword === "required") push(missingKeys, error.instancePath, String((error.params as { missingProperty: string }).missingProperty));
  }
  const problems: Problem[] = [];
  for (const error of errors) {
    if (error.keyword === "additionalProperties") {
      problems.push(unknownKeyProblem(error));
    } else if (error.keyword === "required") {
      // All missing keys of one mapping make one problem, listed where ajv first reported one.
      const keys = missingKeys.get(error.instancePath);
      missingKeys.delete(error.instancePath);
      const problem = keys && missingKeysProblem(error.instancePath, keys, unknownKeys.get(error.instancePath) ?? []);
      if (problem) problems.push(problem);
    } else {
      // An empty value (`retry:`) has no node worth pointing at; its key is where the eye goes.
      const at = error.data === null ? "key" : "value";
      problems.push({ pointer: error.instancePath, at, message: (path) => describeValueError(error, path) });
    }
  }
  return problems;
}

function unknownKeyProblem(error: ErrorObject): Problem {
  const key = additionalProperty(error);
  const allowed = Object.keys((error.parentSchema as SchemaNode | undefined)?.properties ?? {});
  return {
    pointer: error.instancePath,
    key,
    at: "key",
    message: (path) => {
      const hint = didYouMean(key, allowed) || flowMappingHint(key, error.data);
      return `${describePath(path.slice(0, -1))} has unknown key '${key}'${hint}`;
    },
  };
}

function missingKeysProblem(pointer: string, keys: readonly string[], unknown: readonly string[]): Problem | undefined {
  // `acepts:` is one problem, not two: the unknown key's suggestion already names the missing one.
  const suggested = new Set(unknown.map((key) => closest(key, keys)));
  const missing = keys.filter((key) => !suggested.has(key));
  if (missing.length === 0) return undefined;
  const list = missing.map((key) => `'${key}'`).join(", ");
  const noun = missing.length === 1 ? "key" : "keys";
  return { pointer, at: "key", message: (path) => `${describePath(path)} is missing required ${noun} ${list}` };
}

function additionalProperty(error: ErrorObject): string {
  return String((error.params as { additionalProperty: string }).additionalProperty);
}

/**
 * `{ type: string, description: Big, bold text }` reads as a key `bold text` with no value: a comma inside
 * a flow mapping ends the entry. An unknown key with spaces and no value is almost always that.
 */
function flowMappingHint(key: string, mapping: unknown): string {
  const looksLikeProse = /\s/.test(key) && isMapping(mapping) && mapping[key] === null;
  return looksLikeProse ? " (a comma inside { } starts a new entry: quote text that contains commas)" : "";
}

function describeValueError(error: ErrorObject, path: DocPath): string {
  const subject = describePath(path);
  const value: unknown = error.data;
  if (error.keyword === "format" && typeof value === "string") {
    return `${subject} must be a valid regular expression (${regexError(value) ?? "invalid"})`;
  }
  const schema = error.parentSchema as SchemaNode | undefined;
  if (!schema) return `${subject} ${error.message ?? "is invalid"}`;
  const expected = describeExpected(schema, resolveRef);
  const hint = error.keyword === "enum" && typeof value === "string" ? didYouMean(value, (schema.enum ?? []).map(String)) : "";
  return `${subject} must be ${expected}, not ${describeFound(value)}${hint}`;
}

/** `#/definitions/step` → that node of the published schema. */
function resolveRef(ref: string): SchemaNode {
  let node: unknown = ROOT_SCHEMA;
  for (const segment of ref.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    node = (node as Record<string, unknown>)[decodePointerSegment(segment)];
  }
  return (node ?? {}) as SchemaNode;
}

/** ajv's JSON pointer → a locator path; array indices become numbers, as the locator expects. */
function toDocPath(pointer: string, data: unknown): DocPath {
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.split("/").slice(1)) {
    const segment = decodePointerSegment(raw);
    const isIndex = Array.isArray(node);
    path.push(isIndex ? Number(segment) : segment);
    node = isIndex ? (node as unknown[])[Number(segment)] : isMapping(node) ? node[segment] : undefined;
  }
  return path;
}

function decodePointerSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

function isWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function regexError(text: string): string | undefined {
  try {
    new RegExp(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function startOf(span: Span): Span {
  return { line: span.line, column: span.column };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
