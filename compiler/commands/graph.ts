// `flowspec graph <spec> [--format mermaid|dot]`: print the spec's event graph on stdout.
// Diagnostics go to stderr. A spec with errors is still drawn when it can be (its broken steps dashed
// and red, errors that belong to no step as comments) and exits 1; one whose YAML or shape is broken
// prints only its diagnostics (exit 1). Warnings do not change the exit status (0); a missing or
// unreadable file exits 2.

import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { analyze } from "../analyze.js";
import { hasErrors } from "../diagnostics.js";
import { formatText } from "../format.js";
import { GRAPH_FORMATS, renderDot, renderMermaid } from "../graph/index.js";
import { displayPath } from "../paths.js";
import { parseArgs } from "./args.js";
import type { Command } from "./types.js";

const GRAPH_USAGE = `usage: flowspec graph <spec> [--format mermaid|dot]

Prints the spec's event graph: the start event, every step, the events on the edges, the stop events,
and human-in-the-loop answers as dotted edges. Render DOT with \`dot -Tsvg\`; paste Mermaid into Markdown.
`;

export const graphCommand: Command = async (args, io) => {
  const { flags, positionals } = parseArgs(args, {
    flags: { format: { type: "string", choices: GRAPH_FORMATS, default: "mermaid" }, help: { type: "boolean", short: "h" } },
    positionals: { min: 0, max: 1, name: "spec" },
  });
  if (flags.help) {
    io.stdout.write(GRAPH_USAGE);
    return 0;
  }
  const [spec] = positionals;
  if (spec === undefined) {
    io.stderr.write(`flowspec graph: missing the <spec> argument\n${GRAPH_USAGE}`);
    return 2;
  }

  const absolute = resolve(io.cwd, spec);
  const display = displayPath(absolute, io.cwd);
  let source: string;
  try {
    if ((await stat(absolute)).isDirectory()) {
      io.stderr.write(`flowspec graph: '${spec}' is a folder; name one spec file\n`);
      return 2;
    }
    source = await readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(`flowspec graph: ${code === "ENOENT" ? `path '${spec}' does not exist` : `cannot read '${spec}': ${code ?? String(error)}`}\n`);
    return 2;
  }

  const { model, diagnostics } = analyze(source, { path: display });
  if (diagnostics.length > 0) {
    const color = io.stderr.isTTY === true && !process.env["NO_COLOR"];
    io.stderr.write(formatText([{ path: display, source, diagnostics }], { color }));
  }
  // Nothing to draw only when the YAML or its shape is broken; a spec with graph errors is drawn with
  // its broken steps marked (and errors that belong to no step as comments), and still exits 1.
  if (model === undefined) return 1;
  const options = { diagnostics };
  io.stdout.write(flags.format === "dot" ? renderDot(model, options) : renderMermaid(model, options));
  return hasErrors(diagnostics) ? 1 : 0;
};
