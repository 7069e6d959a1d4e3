// The docs stay true: the graphs shown are what `flowspec graph` prints today, every link points at a
// file the repository holds (a clone has nothing outside it), and the spec-language reference shows
// every diagnostic code with the message the compiler really prints.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { check } from "../../compiler/compile.js";
import { readModuleFromDisk } from "../../compiler/module-reader.js";
import { renderMermaid } from "../../compiler/graph/index.js";
import { REPO } from "./support/cli-process.js";

const SPECS: Record<string, string> = { JokeFlow: "specs/joke.yaml", HumanInTheLoopFlow: "specs/human-in-the-loop.yaml" };

/** Every ```mermaid block in a Markdown file, keyed by its `title:`. */
function mermaidBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)) {
    const title = /^title: (\w+)$/m.exec(match[1]!)?.[1];
    if (title) blocks.set(title, match[1]!);
  }
  return blocks;
}

describe.each(["docs/dx.md", "README.md"].filter((file) => existsSync(join(REPO, file))))("%s", (file) => {
  const blocks = mermaidBlocks(readFileSync(join(REPO, file), "utf8"));
  const shown = [...blocks.keys()].filter((title) => title in SPECS);

  it("shows the joke graph", () => {
    expect(shown).toContain("JokeFlow");
  });

  it.each(shown)("%s matches flowspec graph", (title) => {
    const path = SPECS[title]!;
    const { model } = analyze(readFileSync(join(REPO, path), "utf8"), { path });
    expect(blocks.get(title)).toBe(renderMermaid(model!));
  });
});

/** README.md and every Markdown file in docs/. */
const MARKDOWN_FILES = ["README.md", ...readdirSync(join(REPO, "docs")).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/${name}`)];

/** The Markdown with fenced code blocks, inline code and HTML comments blanked: links there are not links. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/`[^`\n]*`/g, "");
}

/** Every link target: inline links and images `[text](target "title")`, reference definitions
 * `[label]: target`, and HTML `href`/`src` attributes. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const targets: string[] = [];
  for (const match of text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]!);
  for (const match of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) targets.push(match[1]!);
  for (const match of text.matchAll(/\b(?:href|src)\s*=\s*["']([^"']*)["']/g)) targets.push(match[1]!);
  return targets;
}

/** GitHub's anchors for a Markdown file's headings (lowercased, punctuation dropped, spaces to
 * hyphens, `-1`, `-2` … on repeats). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = match[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*]/g, "");
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return found;
}

/** Why a link from `file` is broken, or undefined when it is fine. */
function linkProblem(file: string, target: string): string | undefined {
  if (/^(https?:|mailto:)/i.test(target)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return "uses a scheme that leaves the repository";
  const hash = target.indexOf("#");
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  if (pathPart.startsWith("/") || pathPart.startsWith("\\") || isAbsolute(pathPart)) return "is an absolute path, which a clone does not have";
  const absolute = pathPart === "" ? join(REPO, file) : resolve(REPO, dirname(file), pathPart);
  const inRepo = relative(REPO, absolute);
  if (inRepo.split(/[\\/]/)[0] === ".." || isAbsolute(inRepo)) return "leaves the repository";
  if (!existsSync(absolute)) return `points at ${inRepo}, which does not exist`;
  if (anchor !== undefined && anchor !== "" && absolute.endsWith(".md") && !anchors(readFileSync(absolute, "utf8")).has(anchor)) {
    return `points at #${anchor}, which is no heading of ${inRepo}`;
  }
  return undefined;
}

describe("links in the README and docs/", () => {
  it("finds the Markdown files and their links", () => {
    expect(MARKDOWN_FILES).toContain("docs/spec-language.md");
    expect(MARKDOWN_FILES).toContain("docs/runtime.md");
    expect(linkTargets(readFileSync(join(REPO, "README.md"), "utf8"))).toContain("docs/spec-language.md");
  });

  it("the link checker catches what it should", () => {
    expect(linkProblem("README.md", "../shared/DESIGN.md")).toMatch(/leaves the repository/);
    expect(linkProblem("docs/dx.md", "../../shared/DESIGN.md")).toMatch(/leaves the repository/);
    expect(linkProblem("README.md", "/etc/passwd")).toMatch(/absolute/);
    expect(linkProblem("README.md", "file:///etc/passwd")).toMatch(/scheme/);
    expect(linkProblem("README.md", "docs/nowhere.md")).toMatch(/does not exist/);
    expect(linkProblem("README.md", "#no-such-heading")).toMatch(/no heading/);
    expect(linkProblem("README.md", "docs/dx.md#watch-mode")).toBeUndefined();
    expect(linkProblem("docs/runtime.md", "../README.md#cli")).toBeUndefined();
    expect(linkTargets("see `[a](../x.md)` and\n```md\n[b](../y.md)\n```\n[c](z.md)\n[d]: w.md")).toEqual(["z.md", "w.md"]);
  });

  it.each(MARKDOWN_FILES)("every link in %s stays in the repository and resolves", (file) => {
    const problems = linkTargets(readFileSync(join(REPO, file), "utf8")).flatMap((target) => {
      const problem = linkProblem(file, target);
      return problem === undefined ? [] : [`${target} ${problem}`];
    });
    expect(problems).toEqual([]);
  });

  it.each(MARKDOWN_FILES)("%s does not refer to ../shared, which a clone does not have", (file) => {
    expect(readFileSync(join(REPO, file), "utf8")).not.toMatch(/\.\.\/shared\b/);
  });
});

describe("docs/spec-language.md", () => {
  const reference = readFileSync(join(REPO, "docs/spec-language.md"), "utf8");
  const diagnosticsSection = reference.slice(reference.indexOf("\n## Diagnostics\n"), reference.indexOf("\n## Limits\n"));
  /** `### \`code\`` sections of the Diagnostics part: the example spec and what check prints for it. */
  const examples = [...diagnosticsSection.matchAll(/^### `([a-z-]+)`\n([\s\S]*?)(?=^### |$(?![\s\S]))/gm)].map((match) => ({
    code: match[1]!,
    spec: /```yaml\n([\s\S]*?)```/.exec(match[2]!)?.[1],
    output: /```text\n([\s\S]*?)```/.exec(match[2]!)?.[1],
  }));
  const codes = [...(/export type DiagnosticCode =([^;]*);/.exec(readFileSync(join(REPO, "compiler/diagnostics.ts"), "utf8"))?.[1] ?? "").matchAll(/"([a-z-]+)"/g)].map((m) => m[1]!);

  it("documents every diagnostic code the compiler has, with an example", () => {
    expect(codes.length).toBeGreaterThan(20);
    expect(examples.map((example) => example.code).sort()).toEqual([...codes].sort());
  });

  it.each(examples)("the $code example gives the messages shown", ({ code, spec, output }) => {
    expect(spec, `a yaml block under ${code}`).toBeDefined();
    expect(output, `a text block under ${code}`).toBeDefined();
    // Imported types' modules are read from the fixtures' folder, as the fixtures of these examples read them.
    const readModule = readModuleFromDisk(join(REPO, "tests/fixtures/invalid"));
    const printed = check(spec!, { path: "spec.yaml", readModule }).map((d) => `spec.yaml:${d.line}:${d.column} - ${d.severity} ${d.code}: ${d.message}`);
    expect(printed.some((line) => line.includes(` ${code}: `))).toBe(true);
    expect(printed.join("\n")).toBe(output!.trimEnd());
  });
});
