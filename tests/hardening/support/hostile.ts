// A spec with hostile text in every string position a spec controls: descriptions (workflow, types,
// fields, state, events, resources, steps), patterns, string defaults, enum values, map keys inside
// defaults, the resource module path and the spec's own path. Built from a list of strings, so the
// same builder with harmless strings gives the control: the two emitted modules must have the same
// syntax tree, string contents aside.

import { stringify } from "yaml";
import { escapeRegExp } from "./values.js";

/** Texts written to break out of a comment, a string, a template, a regex, a script block or a line. */
export const HOSTILE: readonly string[] = [
  "*/",
  "/*",
  "*/ export const injected = 1; /*",
  "`",
  "${process.exit(1)}",
  "`${process.exit(1)}`",
  "'",
  '"',
  "\"); process.exit(1); (\"",
  "\\",
  "\\\\\"",
  "\\u0000",
  "\\x41",
  "\u0000",
  "\u0001\u001b[31m",
  "\u007f\u0085\u009f",
  "\u2028",
  "\u2029",
  "a\u2028b\u2029c",
  "</script><script>alert(1)</script>",
  "<!-- x -->",
  "\n@param x injected\n */ // */ /** */",
  "@deprecated",
  "line\nbreak",
  "cr\rlf\r\n",
  "\ttab",
  "}]);",
  "{@link Evil}",
  "\ufeffbom",
  "\u202eright-to-left",
  "\ud800",
  "😀 emoji",
  "",
  " ",
];

/** Harmless stand-ins, one per hostile text. */
export const BENIGN: readonly string[] = HOSTILE.map((_, i) => `b${i}`);

/**
 * Where the resource module lives, relative to the spec (and the output, which sits beside it):
 * directory names made of hostile text (no `\`, which the compiler reads as a Windows separator,
 * and no `?`, `#` or `%`, which bundlers read as URL syntax).
 */
export const HOSTILE_MODULE = "./h\"'`${process.exit(1)}`*/ \u2028\u2029<!--</script>$/tool.js";
export const BENIGN_MODULE = "./benign/tool.js";

export interface HostileSpec {
  yaml: string;
  doc: Record<string, unknown>;
}

/** The spec, with `texts[i]` wherever the hostile version has `HOSTILE[i]`. */
export function hostileSpec(texts: readonly string[], module: string): HostileSpec {
  const all = texts.join(" | ");
  const stateFields: Record<string, unknown> = {};
  texts.forEach((text, i) => {
    stateFields[`s${i}`] = { type: "string", description: text, default: text, pattern: `^${escapeRegExp(text)}$` };
  });
  stateFields.choice = { type: "string", enum: [...texts], default: texts[texts.length - 2], description: all };
  stateFields.blob = { type: "unknown", default: Object.fromEntries([["__proto__", { polluted: texts[0] }], ...texts.map((text, i) => [text, [i, text]])]) };
  stateFields.dict = { type: "map<string>", default: Object.fromEntries(texts.map((text) => [text, text])) };
  stateFields.list = { type: "string[]", default: [...texts], minLength: texts.length, maxLength: texts.length };

  const doc: Record<string, unknown> = {
    flowspec: 1,
    workflow: "Hostile",
    description: all,
    types: {
      Payload: {
        description: texts[2],
        fields: {
          text: { type: "string", description: texts[21], pattern: `^(?:${texts.map(escapeRegExp).join("|")})$`, default: texts[9] },
          mode: { type: "string?", enum: [...texts], description: texts[19] },
        },
      },
    },
    state: stateFields,
    events: {
      Go: {
        kind: "start",
        description: texts[21],
        fields: {
          payload: { type: "Payload?", description: texts[0] },
          label: { type: "string", default: texts[8], description: texts[5] },
          tags: { type: "map<string>", default: { [texts[1]!]: texts[3]!, [texts[4]!]: texts[16]! } },
        },
      },
      Progress: { kind: "stream", description: texts[17], fields: { note: { type: "string", description: texts[18] } } },
      Done: { kind: "stop", description: `${texts[16]}${texts[0]}${texts[17]}`, fields: { echo: "string", mode: { type: "string?", enum: [...texts] } } },
    },
    resources: {
      tool: { type: "Tool", module, factory: "createTool", description: texts[4] },
    },
    steps: {
      handle: { accepts: "Go", emits: "Done", resources: ["tool"], description: `${texts[0]} ${texts[1]} ${texts[16]} ${texts[22]}` },
    },
  };
  return { yaml: stringify(doc), doc };
}

/** The resource module's source: the type and factory the spec names. */
export const TOOL_MODULE_SOURCE = `export interface Tool { readonly name: string }
export function createTool(): Tool {
  return { name: "tool" };
}
`;
