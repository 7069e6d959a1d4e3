// Stand-ins for LlamaParse and LlamaExtract in the document-processing example.

export interface ParsedNode {
  text: string;
  page: number;
}

export interface DocumentParser {
  parse(filePath: string): Promise<ParsedNode[]>;
}

export interface Extractor {
  extract(text: string): Promise<{ field1: string; field2?: number }[]>;
}

/** Default factory: treats the path as the document's only page. */
export function createParser(): DocumentParser {
  return { parse: async (filePath) => [{ text: `contents of ${filePath}`, page: 1 }] };
}

/** Default factory: one record per line of text. */
export function createExtractor(): Extractor {
  return { extract: async (text) => text.split("\n").map((line) => ({ field1: line })) };
}
