// The code writer every emitter writes through (two-space indents, LF), and the small layout helpers
// they share: JSDoc blocks, "one line if it fits, else one item per line".
//
// Its API is the subset of ts-morph's CodeBlockWriter the emitters use, and the output is byte for
// byte the same. CodeBlockWriter scans every character to track strings, comments and regex literals
// (guessing, on hostile text) and leaves much garbage: the 4,000-step benchmark spec emitted about 1.5
// times slower with it, and importing ts-morph (which loads the TypeScript compiler) added about half a
// second to every CLI start. Emitting from ts-morph structures was slower still (a second or more:
// printing, then parsing the whole file back). The emitters know where lines and blocks start, so this
// writer only counts indentation and keeps whole lines.

import { docLines } from "./escape.js";

/** Lines longer than this are broken up, the way a formatter would. */
export const MAX_LINE = 120;

/** Indentation by level, built once. */
/** Generated prose in JSDoc is wrapped at this width, narrower than code, for reading. */
const PROSE_WIDTH = 100;

const INDENTS = Array.from({ length: 16 }, (_, level) => "  ".repeat(level));

export class SourceWriter {
  /** Finished lines, joined once by `toString`: few, large strings keep the garbage collector idle. */
  readonly #lines: string[] = [];
  /** The line being written; "" when at a line start. */
  #line = "";
  #atLineStart = true;
  #length = 0;
  #level = 0;

  /** Appends `text` (one line's worth: no line breaks), indented when it starts a line. */
  write(text: string): this {
    if (text === "") return this;
    if (this.#atLineStart) {
      this.#line = this.#level === 0 ? text : (INDENTS[this.#level] ?? "  ".repeat(this.#level)) + text;
      this.#atLineStart = false;
    } else {
      this.#line += text;
    }
    return this;
  }

  newLine(): this {
    this.#lines.push(this.#line);
    this.#length += this.#line.length + 1;
    this.#line = "";
    this.#atLineStart = true;
    return this;
  }

  writeLine(text: string): this {
    return this.write(text).newLine();
  }

  /** Ends the current line if needed, then leaves one empty line (never two, none at the start). */
  blankLine(): this {
    if (!this.#atLineStart) this.newLine();
    const count = this.#lines.length;
    if (count > 0 && this.#lines[count - 1] !== "") this.newLine();
    return this;
  }

  blankLineIfLastNot(): this {
    return this.blankLine();
  }

  /** ` {`, the block's lines one level deeper, `}` and a line break. */
  block(body: () => void): this {
    this.write(this.#atLineStart ? "{" : " {").newLine();
    this.indent(body);
    if (!this.#atLineStart) this.newLine();
    return this.writeLine("}");
  }

  /** Like `block`, without the line break after `}` (for `= { ... };`). */
  inlineBlock(body: () => void): this {
    this.write("{").newLine();
    this.indent(body);
    if (!this.#atLineStart) this.newLine();
    return this.write("}");
  }

  indent(body: () => void): this {
    this.#level++;
    body();
    this.#level--;
    return this;
  }

  getIndentationLevel(): number {
    return this.#level;
  }

  /** Characters written so far. */
  getLength(): number {
    return this.#length + this.#line.length;
  }

  /** The text, ending with a line break when the last line was finished. */
  toString(): string {
    const text = this.#lines.join("\n");
    if (this.#atLineStart) return this.#lines.length === 0 ? "" : `${text}\n`;
    return this.#lines.length === 0 ? this.#line : `${text}\n${this.#line}`;
  }
}

export function createWriter(): SourceWriter {
  return new SourceWriter();
}

/** A JSDoc line block made of a spec description (escaped here) and trusted generated text. */
export interface DocParts {
  /** Text from the spec, escaped by `docLines`. */
  description?: string;
  /** Generated paragraphs (they must not contain `*\/`): a string is prose, wrapped to the line width;
   * an array is lines written as they are (code in an `@example`). */
  notes?: readonly (string | readonly string[])[];
}

/**
 * Output: `/** One line. *\/`, or a multi-line block with ` * ` prefixes. Writes nothing when there is
 * no text.
 */
export function writeDoc(w: SourceWriter, parts: DocParts | string | undefined): void {
  const { description, notes = [] } = typeof parts === "string" || parts === undefined ? { description: parts } : parts;
  // ` * ` plus the indentation: what is left of the line for text.
  const width = Math.min(PROSE_WIDTH, MAX_LINE - w.getIndentationLevel() * 2 - 3);
  const generated = notes.map((note) => (typeof note === "string" ? wrap(note, width) : note));
  const paragraphs = [description === undefined ? [] : docLines(description), ...generated].filter((lines) => lines.length > 0);
  if (paragraphs.length === 0) return;
  const lines = paragraphs.flatMap((lines, i) => (i === 0 ? lines : ["", ...lines]));
  if (lines.length === 1 && w.getIndentationLevel() * 2 + lines[0]!.length + 7 <= MAX_LINE) {
    w.writeLine(`/** ${lines[0]} */`);
    return;
  }
  w.writeLine("/**");
  for (const line of lines) w.writeLine(line === "" ? " *" : ` * ${line}`);
  w.writeLine(" */");
}

/** Greedy word wrap that never breaks a `code span`; a word longer than the width gets a line of its own. */
export function wrap(text: string, width: number): string[] {
  const words: string[] = [];
  for (const word of text.split(" ")) {
    const last = words.length - 1;
    // Inside an open code span (an odd number of backticks so far): glue the word on.
    if (last >= 0 && (words[last]!.split("`").length - 1) % 2 === 1) words[last] += ` ${word}`;
    else words.push(word);
  }
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** `[a, b, c]` on one line when it fits at the writer's indentation (after `prefix`), else one item per
 * line. Writes `prefix` first and `suffix` after the closing bracket. */
export function writeList(w: SourceWriter, prefix: string, items: readonly string[], suffix: string, brackets: "[]" | "()" | "<>" = "[]"): void {
  const [open, close] = brackets;
  const oneLine = `${prefix}${open}${items.join(", ")}${close}${suffix}`;
  if (items.length === 0 || w.getIndentationLevel() * 2 + oneLine.length <= MAX_LINE) {
    w.writeLine(oneLine);
    return;
  }
  w.writeLine(`${prefix}${open}`);
  w.indent(() => {
    // Type argument lists take no trailing comma.
    items.forEach((item, i) => w.writeLine(brackets === "<>" && i === items.length - 1 ? item : `${item},`));
  });
  w.writeLine(`${close}${suffix}`);
}

/** `{ a: A; b?: B }` on one line when it fits (after `prefix`, before `suffix`), else one member per line:
 * `prefix{`, `  a: A;`, `}suffix`. */
export function writeObjectType(w: SourceWriter, prefix: string, members: readonly string[], suffix: string): void {
  const oneLine = `${prefix}${members.length === 0 ? "{}" : `{ ${members.join("; ")} }`}${suffix}`;
  if (members.length === 0 || w.getIndentationLevel() * 2 + oneLine.length <= MAX_LINE) {
    w.writeLine(oneLine);
    return;
  }
  w.writeLine(`${prefix}{`);
  w.indent(() => {
    for (const member of members) w.writeLine(`${member};`);
  });
  w.writeLine(`}${suffix}`);
}
