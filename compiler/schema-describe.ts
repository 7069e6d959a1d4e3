// Words for schema diagnostics: what a document path is called in the spec's own terms
// (`'retry.attempts' of step 'a'`), what a schema expects (`an integer >= 1`) and what was found.

import type { DocPath } from "./locate.js";

/** A JSON Schema (draft-07) node, as far as the describer reads it. */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  items?: SchemaNode;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  minProperties?: number;
  format?: string;
}

/** What an entry of each top-level map is called. */
const ENTRY_NOUNS: Record<string, string> = {
  types: "type",
  state: "state field",
  events: "event",
  resources: "resource",
  steps: "step",
};

/** `the spec`, `'timeout'`, `step 'a'`, `field 'x' of event 'E'`, `'retry.attempts' of step 'a'`, `item 2 of 'accepts' of step 'a'`. */
export function describePath(path: DocPath): string {
  if (path.length === 0) return "the spec";
  const [section, name] = path;
  const noun = ENTRY_NOUNS[String(section)];
  if (noun === undefined || path.length === 1) return describeProperty(path, "");
  let owner = `${noun} '${String(name)}'`;
  let rest = path.slice(2);
  // Types and events hold fields: `field 'x' of event 'E'`.
  if (rest[0] === "fields" && rest.length >= 2) {
    owner = `field '${String(rest[1])}' of ${owner}`;
    rest = rest.slice(2);
  }
  return rest.length === 0 ? owner : describeProperty(rest, ` of ${owner}`);
}

function describeProperty(rest: DocPath, ofOwner: string): string {
  const last = rest[rest.length - 1];
  if (typeof last === "number") {
    return `item ${last + 1} of ${describeProperty(rest.slice(0, -1), ofOwner)}`;
  }
  return `'${rest.join(".")}'${ofOwner}`;
}

/** `an integer >= 1`, `a number > 0 or null`, `a string or a non-empty list of strings`, `one of a, b`. */
export function describeExpected(schema: SchemaNode, resolve: (ref: string) => SchemaNode): string {
  if (schema.$ref !== undefined) return describeExpected(resolve(schema.$ref), resolve);
  if ("const" in schema) return JSON.stringify(schema.const);
  if (schema.enum) return `one of ${schema.enum.map((value) => String(value)).join(", ")}`;
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return branches.map((branch) => describeExpected(branch, resolve)).join(" or ");
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return "a value";
  return types.map((type) => describeType(type, schema, resolve)).join(" or ");
}

function describeType(type: string, schema: SchemaNode, resolve: (ref: string) => SchemaNode): string {
  switch (type) {
    case "string":
      if (schema.format === "regex") return "a regular expression";
      return (schema.minLength ?? 0) > 0 ? "a non-empty string" : "a string";
    case "number":
    case "integer":
      return [type === "integer" ? "an integer" : "a number", ...numberBounds(schema)].join(" ");
    case "boolean":
      return "true or false";
    case "null":
      return "null";
    case "array": {
      const list = (schema.minItems ?? 0) > 0 ? "a non-empty list" : "a list";
      const items = schema.items && plural(describeExpected(schema.items, resolve));
      return items ? `${list} of ${items}` : list;
    }
    case "object": {
      const required = schema.required ?? [];
      if (required.length > 0) return `a mapping with ${required.length === 1 ? "key" : "keys"} ${required.join(", ")}`;
      return (schema.minProperties ?? 0) > 0 ? "a mapping with at least one entry" : "a mapping";
    }
    default:
      return `a ${type}`;
  }
}

function numberBounds(schema: SchemaNode): string[] {
  const bounds: string[] = [];
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.minimum !== undefined) bounds.push(`>= ${schema.minimum}`);
  if (schema.exclusiveMaximum !== undefined) bounds.push(`< ${schema.exclusiveMaximum}`);
  if (schema.maximum !== undefined) bounds.push(`<= ${schema.maximum}`);
  return bounds.length === 0 ? [] : [bounds.join(" and ")];
}

/** `a string` → `strings`; undefined when the phrase has no simple plural (then the list is not qualified). */
function plural(phrase: string): string | undefined {
  const match = /^an? (string|number|integer|mapping)$/.exec(phrase);
  return match ? `${match[1]}s` : undefined;
}

/** A short rendering of a found value: `empty`, `0`, `'abc'`, `a list`, `a mapping`. */
export function describeFound(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return Object.keys(value).length === 0 ? "an empty mapping" : "a mapping";
  if (typeof value === "string") return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return String(value);
}
