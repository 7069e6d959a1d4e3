// TypeScript helpers for judging emitted code without running tsc: syntax errors, and the shape of
// the module's syntax tree with every string and comment left out (so two modules that differ only in
// their texts have the same shape).

import { ts } from "ts-morph";

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile("generated.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** TypeScript's syntax errors for a module (the parser's own list; no type check). transpileModule
 * would report the same, ten times slower. */
export function syntaxErrors(code: string): string[] {
  const diagnostics = (parse(code) as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** `ImportDeclaration zod`, `ClassDeclaration Go`, ...: each top-level statement's kind and name. */
export function topLevelStatements(code: string): string[] {
  return parse(code).statements.map((statement) => {
    const kind = ts.isVariableStatement(statement) ? "VariableStatement" : ts.SyntaxKind[statement.kind];
    if (ts.isImportDeclaration(statement)) return `${kind} ${(statement.moduleSpecifier as ts.StringLiteral).text}`;
    if (ts.isVariableStatement(statement)) return `${kind} ${statement.declarationList.declarations.map((d) => d.name.getText()).join(",")}`;
    const name = (statement as ts.Node & { name?: ts.Node }).name;
    return name ? `${kind} ${name.getText()}` : kind;
  });
}

/**
 * Every node's kind, depth first, one entry per node: string-like literals become `S`, property names
 * (`a:` or `"a b":`, which the emitter quotes only when it must) become `Name`, and other identifiers
 * keep their text (a name that changes is a change of meaning). Comments are not nodes.
 */
export function syntaxShape(code: string): string[] {
  const shape: string[] = [];
  const visit = (node: ts.Node, depth: number) => {
    const kind = ts.SyntaxKind[node.kind];
    const parent = node.parent as (ts.Node & { name?: ts.Node }) | undefined;
    const isPropertyName = parent !== undefined && parent.name === node && (ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent));
    if (isPropertyName && (ts.isIdentifier(node) || ts.isStringLiteral(node))) shape.push(`${depth}:Name`);
    else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isRegularExpressionLiteral(node)) shape.push(`${depth}:S`);
    else if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) shape.push(`${depth}:${kind}=${node.text}`);
    else shape.push(`${depth}:${kind}`);
    ts.forEachChild(node, (child) => visit(child, depth + 1));
  };
  visit(parse(code), 0);
  return shape;
}
