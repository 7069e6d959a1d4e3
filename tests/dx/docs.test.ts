// The graphs shown in the docs are what `flowspec graph` prints today.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/analyze.js";
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
