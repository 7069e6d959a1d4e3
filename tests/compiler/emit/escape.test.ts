// The escaping helpers, property-tested: whatever the string, it lands as data, never as code.

import fc from "fast-check";
import { ts } from "ts-morph";
import { describe, expect, test } from "vitest";
import { docLines, lineCommentText, literal, propertyAccess, propertyName, stringLiteral } from "../../../compiler/emit/escape.js";

/** Top-level statements of `code`, or the syntax errors. */
function statements(code: string): { kinds: string[]; errors: number } {
  const file = ts.createSourceFile("probe.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const errors = (file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
  return { kinds: file.statements.map((s) => s.getText(file)), errors };
}

const evaluate = (expression: string): unknown => new Function(`"use strict"; return (${expression});`)();

/** Strings heavy in the characters that matter. */
const nasty = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.constantFrom("*", "/", "\\", '"', "'", "`", "$", "{", "}", "\n", "\r", "\u2028", "\u2029", "\u202e", "\u2066", "\u200b", "<", "!", "-", "@", " ", "a") }),
);

describe("stringLiteral", () => {
  test("evaluates back to the same string, and is one line", () => {
    fc.assert(
      fc.property(nasty, (value) => {
        const code = stringLiteral(value);
        expect(evaluate(code)).toBe(value);
        expect(code).not.toMatch(/[\n\r\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f]/);
        expect(code).not.toContain("</");
      }),
    );
  });

  test("examples", () => {
    expect(stringLiteral('say "hi"')).toBe('"say \\"hi\\""');
    expect(stringLiteral("\u2028</script>")).toBe('"\\u2028<\\/script>"');
  });
});

describe("docLines", () => {
  test("a JSDoc built from any text is one comment, followed by the code after it", () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const lines = docLines(text);
        const comment = ["/**", ...lines.map((line) => ` * ${line}`), " */"].join("\n");
        expect(comment).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b-\u200f]/);
        expect(statements(`${comment}\nafter;`)).toEqual({ kinds: ["after;"], errors: 0 });
        expect(statements(`/** ${lines.join(" ")} */ after;`)).toEqual({ kinds: ["after;"], errors: 0 });
      }),
    );
  });

  test("breaks up */, escapes @ at line starts, normalizes line breaks, trims blank edges", () => {
    expect(docLines("a */ b")).toEqual(["a *\\/ b"]);
    expect(docLines("x\n  @deprecated y\r\nz\u2028w")).toEqual(["x", "  \\@deprecated y", "z", "w"]);
    expect(docLines("\n\nmid @here\n\n")).toEqual(["mid @here"]);
  });
});

describe("lineCommentText", () => {
  test("a // comment stays on its line", () => {
    fc.assert(
      fc.property(nasty, (text) => {
        expect(statements(`// ${lineCommentText(text)}\nafter;`)).toEqual({ kinds: ["after;"], errors: 0 });
      }),
    );
  });
});

describe("literal", () => {
  test("JSON values evaluate back to themselves", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(evaluate(literal(value))).toEqual(value);
      }),
    );
  });

  test("a __proto__ key stays an own property", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a b": [1, null], "": "x"}') as object;
    const back = evaluate(literal(value)) as object;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(back)).toEqual(["__proto__", "a b", ""]);
    expect(Object.getOwnPropertyDescriptor(back, "__proto__")?.value).toEqual({ polluted: true });
  });

  test("numbers YAML can hold that JSON cannot", () => {
    expect(literal(Number.NaN)).toBe("NaN");
    expect(literal(-Infinity)).toBe("-Infinity");
    expect(Object.is(evaluate(literal(-0)), -0)).toBe(true);
  });

  test("refuses what is not plain data", () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => literal(cycle)).toThrow(/refers to itself/);
    expect(() => literal(new Date(0))).toThrow(/not plain data/);
    expect(() => literal(() => 1)).toThrow(/function/);
  });
});

describe("property names", () => {
  test("identifiers and reserved words stay bare; anything else is quoted", () => {
    expect(propertyName("number")).toBe("number");
    expect(propertyName("default")).toBe("default");
    expect(propertyName("a b")).toBe('"a b"');
    expect(propertyName("__proto__")).toBe('"__proto__"');
    expect(propertyAccess("data", "static")).toBe("data.static");
    expect(propertyAccess("data", "a-b")).toBe('data["a-b"]');
  });
});
