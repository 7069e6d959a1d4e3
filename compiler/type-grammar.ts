// Field type text → TypeRef. The grammar, whitespace allowed between tokens:
//
//   fieldType := type "?"?
//   type      := base ("[" "]")*
//   base      := primitive | TypeName | "map" "<" type ">"
//
// Errors are returned as data with an offset into the text, so a diagnostic can point at the exact
// character inside the YAML value (`string??` points at the second `?`).

import type { Span } from "./diagnostics.js";
import type { Primitive, TypeRef } from "./model.js";
import { quote } from "./text.js";
import { suggester } from "./suggest.js";

export const PRIMITIVES: readonly Primitive[] = ["string", "number", "integer", "boolean", "unknown"];

/** Deepest nesting of `[]` and `map<>` accepted: enough for any real spec, small enough that code
 * walking a TypeRef recursively can never overflow the stack. */
export const MAX_TYPE_DEPTH = 32;

const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
const NAME_START = /[A-Za-z_$]/;
const NAME_PART = /[A-Za-z0-9_$]/;

/** Maps an offset and length inside the type text to a source span. */
export type SpanAt = (offset: number, length: number) => Span;

export interface TypeTextError {
  /** `unknown-type` for a name that can never be a type; `schema` for malformed text. */
  code: "schema" | "unknown-type";
  message: string;
  /** 0-based offset into the text, and how many characters are at fault (0 at the end of the text). */
  offset: number;
  length: number;
  span: Span;
}

export type FieldTypeResult =
  | { ok: true; type: TypeRef; optional: boolean }
  | { ok: false; error: TypeTextError };

export interface ParseOptions {
  /** Where the text sits in the source; by default line 1, column offset + 1. */
  spanAt?: SpanAt;
  /** Declared type names, for "did you mean" on a misspelled name. */
  typeNames?: Iterable<string>;
  /** Instead of typeNames: a lookup shared by every field of a spec, so each name is compared once
   * (`suggester([...PRIMITIVES, ...typeNames])`). */
  suggestType?: (name: string) => string | undefined;
}

const defaultSpanAt: SpanAt = (offset, length) => ({ line: 1, column: offset + 1, endLine: 1, endColumn: offset + 1 + length });

/** Thrown inside the parser only, caught by `parseFieldType`: errors leave the API as values. */
class TypeTextFailure {
  constructor(
    readonly code: TypeTextError["code"],
    readonly message: string,
    readonly offset: number,
    readonly length: number,
  ) {}
}

/**
 * Parses a field's type text.
 *
 * @example
 * parseFieldType("map<string[]>?");  // { ok: true, optional: true, type: { kind: "map", value: { kind: "array", ... } } }
 * parseFieldType("string??");        // { ok: false, error: { code: "schema", offset: 7, ... } }
 */
export function parseFieldType(text: string, options: ParseOptions = {}): FieldTypeResult {
  const spanAt = options.spanAt ?? defaultSpanAt;
  const suggestType = options.suggestType ?? suggester([...PRIMITIVES, ...(options.typeNames ?? [])]);
  const parser = new Parser(text, spanAt, suggestType);
  try {
    return { ok: true, ...parser.parseField() };
  } catch (failure) {
    if (!(failure instanceof TypeTextFailure)) throw failure;
    const { code, message, offset, length } = failure;
    return { ok: false, error: { code, message, offset, length, span: spanAt(offset, length) } };
  }
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly spanAt: SpanAt,
    private readonly suggestType: (name: string) => string | undefined,
  ) {}

  parseField(): { type: TypeRef; optional: boolean } {
    this.skipSpace();
    if (this.atEnd()) this.fail("schema", "the type is empty", 0, 0);
    const type = this.parseType(0);
    this.skipSpace();
    let optional = false;
    if (this.peek() === "?") {
      optional = true;
      this.pos++;
      this.skipSpace();
      if (this.peek() === "?") this.fail("schema", "'?' may appear only once, at the end of the type", this.pos, 1);
      if (this.peek() === "[") this.fail("schema", "'?' must come last: write 'T[]?' for an optional array", this.pos, 1);
    }
    if (!this.atEnd()) this.fail("schema", `unexpected ${quote(this.peek())} in type ${quote(this.text.trim())}`, this.pos, 1);
    return { type, optional };
  }

  private parseType(depth: number): TypeRef {
    let type = this.parseBase(depth);
    for (;;) {
      this.skipSpace();
      if (this.peek() !== "[") return type;
      const open = this.pos++;
      this.skipSpace();
      if (this.peek() !== "]") this.fail("schema", "expected ']' after '[' (arrays are written 'T[]')", open, 1);
      this.pos++;
      if (++depth > MAX_TYPE_DEPTH) this.fail("schema", `the type nests more than ${MAX_TYPE_DEPTH} levels deep`, open, 2);
      type = { kind: "array", element: type };
    }
  }

  private parseBase(depth: number): TypeRef {
    this.skipSpace();
    const start = this.pos;
    const name = this.readName();
    if (name === "") {
      const found = this.atEnd() ? "the end of the type" : quote(this.peek());
      this.fail("schema", `expected a type name, found ${found}`, start, this.atEnd() ? 0 : 1);
    }
    if (name === "map") return this.parseMap(start, depth);
    if ((PRIMITIVES as readonly string[]).includes(name)) return { kind: "primitive", name: name as Primitive };
    if (!PASCAL_CASE.test(name)) {
      const suggestion = this.suggestType(name);
      const hint = suggestion === undefined ? "" : ` (did you mean ${quote(suggestion)}?)`;
      this.fail("unknown-type", `unknown type '${name}'${hint}: use a primitive, map<T> or a PascalCase name from 'types'`, start, name.length);
    }
    this.skipSpace();
    if (this.peek() === "<") this.fail("schema", `'${name}' takes no type argument: only map<T> does`, this.pos, 1);
    return { kind: "named", name, span: this.spanAt(start, name.length) };
  }

  private parseMap(start: number, depth: number): TypeRef {
    if (depth + 1 > MAX_TYPE_DEPTH) this.fail("schema", `the type nests more than ${MAX_TYPE_DEPTH} levels deep`, start, 3);
    this.skipSpace();
    if (this.peek() !== "<") this.fail("schema", "'map' needs a value type: write map<T>", start, 3);
    this.pos++;
    const value = this.parseType(depth + 1);
    this.skipSpace();
    if (this.peek() !== ">") {
      const found = this.atEnd() ? "the end of the type" : quote(this.peek());
      this.fail("schema", `expected '>' to close 'map<', found ${found}`, this.pos, this.atEnd() ? 0 : 1);
    }
    this.pos++;
    return { kind: "map", value };
  }

  private readName(): string {
    const start = this.pos;
    if (!NAME_START.test(this.peek())) return "";
    while (NAME_PART.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private skipSpace(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  private peek(): string {
    return this.text.charAt(this.pos);
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private fail(code: TypeTextError["code"], message: string, offset: number, length: number): never {
    throw new TypeTextFailure(code, message, offset, length);
  }
}

/** Every named type a TypeRef mentions, in order. */
export function namedRefs(type: TypeRef): Extract<TypeRef, { kind: "named" }>[] {
  switch (type.kind) {
    case "named":
      return [type];
    case "array":
      return namedRefs(type.element);
    case "map":
      return namedRefs(type.value);
    default:
      return [];
  }
}

/** The type as the spec would write it: `map<string[]>`. */
export function formatType(type: TypeRef): string {
  switch (type.kind) {
    case "primitive":
    case "named":
      return type.name;
    case "array":
      return `${formatType(type.element)}[]`;
    case "map":
      return `map<${formatType(type.value)}>`;
  }
}
