// Field types and values for generated specs: a type, a value of that type, and constraints derived
// from the value, so a default is valid by construction (the generator never has to "guess" whether
// the checker will accept it).

import fc from "fast-check";

export type Prim = "string" | "number" | "integer" | "boolean" | "unknown";

/** A field type as the generator sees it (mirrors compiler/model.ts's TypeRef, written independently). */
export type GenType =
  | { k: "prim"; name: Prim }
  | { k: "array"; element: GenType }
  | { k: "map"; value: GenType }
  | { k: "named"; name: string };

/** A named type being generated: its fields, in order. */
export interface GenNamedType {
  name: string;
  fields: GenField[];
}

export interface GenField {
  name: string;
  type: GenType;
  optional: boolean;
  /** Present when the spec gives `default:`. */
  default?: { value: unknown };
  /** A value that fits the field's type and constraints (the default when there is one); undefined
   * only for an optional field that refers back to its own type. The constraints are derived from it. */
  witness: unknown;
  /** Long-form constraints, as written to the YAML. */
  constraints: Record<string, unknown>;
  description?: string;
  /** Written in long form (`{ type: ... }`) even without constraints. */
  long: boolean;
  /** Random whitespace inside the type text (the grammar allows it between tokens). */
  spaced: boolean;
}

export type Types = ReadonlyMap<string, GenNamedType>;

/** `map<string[]>?`, optionally with spaces between tokens. */
export function typeText(type: GenType, spaced = false): string {
  const s = spaced ? " " : "";
  switch (type.k) {
    case "prim":
      return type.name;
    case "named":
      return type.name;
    case "array":
      return `${typeText(type.element, spaced)}${s}[]`;
    case "map":
      return `map${s}<${s}${typeText(type.value, spaced)}${s}>`;
  }
}

export function fieldTypeText(field: GenField): string {
  return `${typeText(field.type, field.spaced)}${field.optional ? (field.spaced ? " ?" : "?") : ""}`;
}

/** Strings of every kind: graphemes, raw code points (lone surrogates included), and tricky ASCII. */
export const anyString = (maxLength = 8): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: "grapheme", maxLength }),
    fc.constantFrom("", "*/", "`${x}`", "\u2028", "</script>", "\\", "'\"", "null", "true", "0x1F", "~", "- a", "{}", "[]", "#", ": x"),
  );

/** A finite number YAML can carry both ways (fast-check's doubles include -0 and 5e-324). */
export const finiteNumber = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1000, max: 1000 }));
export const safeInteger = fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -100, max: 100 }));

const jsonScalar = fc.oneof(anyString(6), finiteNumber, fc.boolean(), fc.constant(null));
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    jsonScalar,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(anyString(5), tie("value"), { maxKeys: 3 }),
  ),
})).value;

/** A value of `type`. Optional fields of named types are left out at random; recursion is cut at `depth`. */
export function valueOf(type: GenType, types: Types, depth = 0): fc.Arbitrary<unknown> {
  switch (type.k) {
    case "prim":
      switch (type.name) {
        case "string":
          return anyString();
        case "number":
          return finiteNumber;
        case "integer":
          return safeInteger;
        case "boolean":
          return fc.boolean();
        case "unknown":
          return jsonValue;
      }
    // falls through: unreachable, every primitive returned
    case "array":
      return depth > 2 ? fc.constant([]) : fc.array(valueOf(type.element, types, depth + 1), { maxLength: 3 });
    case "map":
      return depth > 2 ? fc.constant({}) : fc.dictionary(anyString(5), valueOf(type.value, types, depth + 1), { maxKeys: 3 });
    case "named": {
      // Built from each field's witness, so nested constraints hold; optional and defaulted fields
      // are left out at random.
      const named = types.get(type.name)!;
      const keep = named.fields.map((field) => (field.optional || field.default !== undefined ? fc.boolean() : fc.constant(true)));
      return fc.tuple(...keep).map((kept) => {
        const object: Record<string, unknown> = {};
        named.fields.forEach((field, i) => {
          if (kept[i] && field.witness !== undefined) object[field.name] = field.witness;
        });
        return object;
      });
    }
  }
}

/** Escapes a string so `new RegExp("^" + escaped + "$")` matches exactly it. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/** Patterns that are valid without flags, for fields with no default to satisfy. */
const FREE_PATTERNS = ["^[a-z]+$", "\\d", "^(?:a|b)*$", "[\\s\\S]", "^\\u2028?$", "</script>", "\\*/", "`\\$\\{", "^.{0,3}$"];

/**
 * Constraints for a field of `type`, consistent with `value` when there is one (a default, or an
 * enum value). Enums exclude other constraints (every enum value must satisfy them all).
 */
export function constraintsFor(type: GenType, value: { value: unknown } | undefined): fc.Arbitrary<Record<string, unknown>> {
  if (type.k === "array") {
    const length = value === undefined ? undefined : (value.value as unknown[]).length;
    return lengthConstraints(length);
  }
  if (type.k !== "prim") return fc.constant({});
  const v = value?.value;
  switch (type.name) {
    case "string": {
      const text = v as string | undefined;
      return fc.oneof(
        lengthConstraints(text?.length),
        fc.record({ pattern: text === undefined ? fc.constantFrom(...FREE_PATTERNS) : fc.constant(`^${escapeRegExp(text)}$`) }),
        enumOf(anyString(6), text),
      );
    }
    case "number":
    case "integer": {
      const base = type.name === "number" ? finiteNumber : safeInteger;
      const n = v as number | undefined;
      const below = n === undefined ? base : base.map((x) => Math.min(x, n));
      const above = n === undefined ? base : base.map((x) => Math.max(x, n));
      return fc.oneof(
        fc.record({ minimum: below, maximum: above }, { requiredKeys: [] }).filter((c) => !(c.minimum !== undefined && c.maximum !== undefined && c.minimum > c.maximum)),
        enumOf(base, n),
      );
    }
    case "boolean":
      return fc.oneof(fc.constant({}), enumOf(fc.boolean(), v as boolean | undefined));
    case "unknown":
      // `null` is a valid enum value only here; a default of another shape cannot be in an enum.
      if (v !== undefined && (typeof v === "object" && v !== null)) return fc.constant({});
      return fc.oneof(fc.constant({}), enumOf(jsonScalar, v));
  }
}

function lengthConstraints(length: number | undefined): fc.Arbitrary<Record<string, unknown>> {
  const min = fc.nat({ max: length ?? 5 });
  const max = fc.nat({ max: 5 }).map((extra) => (length ?? 0) + extra);
  return fc.record({ minLength: min, maxLength: max }, { requiredKeys: [] }).filter((c) => !(c.minLength !== undefined && c.maxLength !== undefined && c.minLength > c.maxLength));
}

/** An `enum` constraint that contains `value` (when given), without repeats (compared with Object.is). */
function enumOf<T>(arb: fc.Arbitrary<T>, value: T | undefined): fc.Arbitrary<Record<string, unknown>> {
  return fc.uniqueArray(arb, { minLength: value === undefined ? 1 : 0, maxLength: 4, comparator: "SameValue" }).chain((others) =>
    fc.nat({ max: others.length }).map((at) => {
      const values = others.filter((other) => !Object.is(other, value));
      if (value !== undefined) values.splice(Math.min(at, values.length), 0, value);
      return { enum: values };
    }),
  );
}

/** The JSON-ish value YAML gives back for `value` (what the model's `default` holds after loading). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
  }
  return false;
}
