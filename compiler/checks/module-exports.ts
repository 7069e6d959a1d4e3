// A light reading of a TypeScript or JavaScript module's exports, for the imported-types checks
// (checks/imports.ts): which names it exports as values, which as types, and whether it re-exports
// something the reading cannot see (`export * from`). Not a parser: it skips comments, strings,
// template literals and regular expressions, and reads `export` statements at the top level (brace
// depth 0). Loading the TypeScript compiler would cost every CLI start about half a second; this is
// linear in the module's size and never throws.
//
// What counts:
//   export const|let|var A = …, B = …        values A, B (a destructuring pattern makes the reading partial)
//   export function|class|enum A …            a value (a class and an enum are types too)
//   export interface|type A …                 a type
//   export declare …, export abstract class … as above
//   export { A, B as C, type D } [from "…"]   A and C as either (D as a type only)
//   export type { A }                         a type
//   export * as ns from "…"                   ns as a value
//   export * from "…"                         partial: names from elsewhere the reading cannot see

export interface ModuleExports {
  /** Names exported as values (a const, a function, a class, …). */
  readonly values: ReadonlySet<string>;
  /** Names exported as types (an interface, a type alias, a class, an enum, …). */
  readonly types: ReadonlySet<string>;
  /** Why the module may export more than the reading saw (`export * from "./other.js"`), if it may. */
  readonly partial?: string;
}

const IDENTIFIER_START = /[A-Za-z_$\u0080-\uffff]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
/** After these tokens a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORDS = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"]);

type Token = { kind: "word" | "punct" | "string"; text: string; newlineAfter?: boolean };

/**
 * @example readExports("export const ToolCallSchema = z.object({});\nexport type ToolCall = z.infer<typeof ToolCallSchema>;")
 *          // { values: {ToolCallSchema}, types: {ToolCall} }
 */
export function readExports(source: string): ModuleExports {
  const values = new Set<string>();
  const types = new Set<string>();
  let partial: string | undefined;
  const tokens = tokenize(source);
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === "punct") {
      if (token.text === "{" || token.text === "(" || token.text === "[") depth++;
      else if (token.text === "}" || token.text === ")" || token.text === "]") depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth !== 0 || token.kind !== "word" || token.text !== "export") continue;
    // `x.export` or `{ export: 1 }` are not statements: a statement's `export` comes first, or after
    // `;`, `}` or a line break.
    const before = tokens[i - 1];
    if (before !== undefined && !before.newlineAfter && !(before.kind === "punct" && (before.text === ";" || before.text === "}"))) continue;
    let j = i + 1;
    const word = (k: number) => (tokens[k]?.kind === "word" ? tokens[k]!.text : undefined);
    while (word(j) === "declare" || word(j) === "abstract" || word(j) === "async") j++;
    const keyword = word(j);
    const next = tokens[j + 1];
    if (keyword === "default") continue;
    if (keyword === "const" || keyword === "let" || keyword === "var") {
      if (word(j + 1) === "enum") {
        addName(tokens[j + 2], values, types);
        continue;
      }
      const found = declaredVariables(tokens, j + 1);
      for (const name of found.names) values.add(name);
      if (found.pattern) partial ??= "it exports a destructured variable";
    } else if (keyword === "function") {
      const name = tokens[j + 1]?.text === "*" ? tokens[j + 2] : next;
      if (name?.kind === "word") values.add(name.text);
    } else if (keyword === "class" || keyword === "enum") {
      addName(next, values, types);
    } else if (keyword === "interface") {
      if (next?.kind === "word") types.add(next.text);
    } else if (keyword === "type") {
      if (next?.kind === "punct" && next.text === "{") readList(tokens, j + 2, types, undefined);
      else if (next?.kind === "word") types.add(next.text);
    } else if (keyword === "namespace" || keyword === "module") {
      if (next?.kind === "word") values.add(next.text);
    } else if (keyword === "import") {
      // `export import A = B.C;`
      if (next?.kind === "word") addName(next, values, types);
    } else if (tokens[j]?.kind === "punct" && tokens[j]!.text === "{") {
      readList(tokens, j + 1, types, values);
    } else if (tokens[j]?.kind === "punct" && tokens[j]!.text === "*") {
      if (word(j + 1) === "as" && tokens[j + 2]?.kind === "word") values.add(tokens[j + 2]!.text);
      else {
        const from = tokens[j + 2]?.kind === "string" ? ` ${JSON.stringify(tokens[j + 2]!.text)}` : "";
        partial ??= `it re-exports everything from${from || " another module"} ('export *')`;
      }
    }
  }
  return partial === undefined ? { values, types } : { values, types, partial };
}

function addName(token: Token | undefined, values: Set<string>, types: Set<string>): void {
  if (token?.kind !== "word") return;
  values.add(token.text);
  types.add(token.text);
}

/** `{ A, B as C, type D, default as E }` from `start` (after `{`): exported names; `type` ones as types only. */
function readList(tokens: readonly Token[], start: number, types: Set<string>, values: Set<string> | undefined): void {
  let i = start;
  while (i < tokens.length && !(tokens[i]!.kind === "punct" && tokens[i]!.text === "}")) {
    let typeOnly = values === undefined;
    const entry: string[] = [];
    while (i < tokens.length && !(tokens[i]!.kind === "punct" && (tokens[i]!.text === "," || tokens[i]!.text === "}"))) {
      const token = tokens[i]!;
      if (token.kind === "word" || token.kind === "string") entry.push(token.text);
      i++;
    }
    if (entry[0] === "type" && entry.length > 1) {
      typeOnly = true;
      entry.shift();
    }
    const exported = entry.length >= 3 && entry[entry.length - 2] === "as" ? entry[entry.length - 1]! : entry[0];
    if (exported !== undefined) {
      types.add(exported);
      if (!typeOnly) values?.add(exported);
    }
    if (tokens[i]?.text === ",") i++;
  }
}

/** The names a `const`/`let`/`var` declares from `start`: `A = …, B = …` (top-level commas only). */
function declaredVariables(tokens: readonly Token[], start: number): { names: string[]; pattern: boolean } {
  const names: string[] = [];
  let pattern = false;
  let i = start;
  let expectName = true;
  let depth = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (expectName && depth === 0) {
      expectName = false;
      if (token.kind === "word") names.push(token.text);
      else if (token.kind === "punct" && (token.text === "{" || token.text === "[")) {
        pattern = true;
        depth++;
      }
      continue;
    }
    if (depth === 0 && token.newlineAfter && isStatementWord(tokens[i + 1])) break;
    if (token.kind !== "punct") continue;
    if (token.text === "{" || token.text === "(" || token.text === "[") depth++;
    else if (token.text === "}" || token.text === ")" || token.text === "]") {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && token.text === ";") break;
    else if (depth === 0 && token.text === ",") expectName = true;
  }
  return { names, pattern };
}

function isStatementWord(token: Token | undefined): boolean {
  return token?.kind === "word" && ["export", "import", "const", "let", "var", "function", "class", "interface", "type"].includes(token.text);
}

/**
 * Words, punctuation and string contents; comments, template literals and regular expressions are
 * dropped. A token followed by a line break is marked (`newlineAfter`), for statements without `;`.
 */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const n = source.length;
  let i = 0;
  const markNewline = () => {
    const last = tokens[tokens.length - 1];
    if (last) last.newlineAfter = true;
  };
  const regexAllowed = () => {
    const last = tokens[tokens.length - 1];
    if (last === undefined) return true;
    if (last.kind === "word") return REGEX_AFTER_WORDS.has(last.text);
    if (last.kind === "string") return false;
    return last.text !== ")" && last.text !== "]" && last.text !== "}";
  };
  while (i < n) {
    const c = source[i]!;
    if (c === "\n") {
      markNewline();
      i++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v" || c === "\ufeff") {
      i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      if (source.slice(i, end === -1 ? n : end).includes("\n")) markNewline();
      i = end === -1 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      let text = "";
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\") i++;
        else text += source[i];
        i++;
      }
      i++;
      tokens.push({ kind: "string", text });
    } else if (c === "`") {
      i = skipTemplate(source, i + 1);
      tokens.push({ kind: "string", text: "" });
    } else if (c === "/" && regexAllowed()) {
      i = skipRegex(source, i + 1);
      tokens.push({ kind: "string", text: "" });
    } else if (IDENTIFIER_START.test(c) || c === "#" || c === "@") {
      const start = i++;
      while (i < n && IDENTIFIER_PART.test(source[i]!)) i++;
      const text = source.slice(start, i);
      tokens.push(c === "#" || c === "@" ? { kind: "punct", text } : { kind: "word", text });
    } else if (c >= "0" && c <= "9") {
      while (i < n && /[0-9A-Za-z_.]/.test(source[i]!)) i++;
      tokens.push({ kind: "punct", text: "0" });
    } else {
      tokens.push({ kind: "punct", text: c });
      i++;
    }
  }
  return tokens;
}

/** After a template's opening backquote: skips to after its closing one, through `${ … }` and nested templates. */
function skipTemplate(source: string, start: number): number {
  const n = source.length;
  let i = start;
  while (i < n) {
    const c = source[i]!;
    if (c === "\\") i += 2;
    else if (c === "`") return i + 1;
    else if (c === "$" && source[i + 1] === "{") {
      i += 2;
      let depth = 1;
      while (i < n && depth > 0) {
        const d = source[i]!;
        if (d === "{") depth++;
        else if (d === "}") depth--;
        else if (d === "`") {
          i = skipTemplate(source, i + 1);
          continue;
        } else if (d === '"' || d === "'") {
          i++;
          while (i < n && source[i] !== d && source[i] !== "\n") i += source[i] === "\\" ? 2 : 1;
        }
        i++;
      }
    } else i++;
  }
  return n;
}

/** After a regular expression's opening `/`: skips to after its flags. */
function skipRegex(source: string, start: number): number {
  const n = source.length;
  let i = start;
  let inClass = false;
  while (i < n && source[i] !== "\n") {
    const c = source[i]!;
    if (c === "\\") i += 2;
    else {
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) {
        i++;
        break;
      }
      i++;
    }
  }
  while (i < n && /[A-Za-z]/.test(source[i]!)) i++;
  return i;
}
