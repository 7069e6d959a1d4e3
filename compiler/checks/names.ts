// `duplicate-name`: two spec names that would become the same identifier in the output — two
// declarations in the generated module, or two methods on the generated base class. Names that are
// already `invalid-identifier` are left out, so one mistake gives one error.

import { diagnostic, type Diagnostic, type Span } from "../diagnostics.js";
import { DERIVED_WORKFLOW_NAMES } from "../generated-names.js";
import type { SpecModel } from "../model.js";
import { quote } from "../text.js";
import { identifierProblem, type NameKind } from "./identifiers.js";
import { importedTypeLabel } from "./module-paths.js";
import { WORKFLOW_MEMBERS } from "../reserved.js";

/** One use of an identifier in the output, and who asked for it. */
interface Claim {
  identifier: string;
  /** Describes the claimant in a message: `type 'Critique'`, `the state type of workflow 'JokeFlow'`. */
  owner: string;
  span: Span;
}

export function checkNameCollisions(model: SpecModel, file?: string): Diagnostic[] {
  return [
    ...reportCollisions(moduleClaims(model), "in the generated module", file),
    ...reportCollisions(methodClaims(model), "as methods of the generated class", file),
    ...inheritedMemberCollisions(model, file),
  ];
}

/** Module-level declarations and imports, in the order the spec gives them. */
function moduleClaims(model: SpecModel): Claim[] {
  const claims: Claim[] = [];
  const claim = (identifier: string, owner: string, span: Span) => claims.push({ identifier, owner, span });
  const valid = (name: string, kind: NameKind) => identifierProblem(name, kind) === undefined;

  const workflow = model.workflow;
  if (valid(workflow, "workflow")) {
    const of = `workflow ${quote(workflow)}`;
    claim(workflow, `the class of ${of}`, model.workflowSpan);
    for (const { suffix, what } of Object.values(DERIVED_WORKFLOW_NAMES)) claim(`${workflow}${suffix}`, `${what} of ${of}`, model.workflowSpan);
  }
  for (const type of model.types) {
    if (!valid(type.name, "type")) continue;
    const label = type.import === undefined ? `type ${quote(type.name)}` : importedTypeLabel(type);
    const span = type.inlineIn === undefined ? type.span : type.import!.nameSpan;
    claim(type.name, label, span);
    claim(`${type.name}Schema`, `the schema of ${label}`, span);
  }
  for (const event of model.events) {
    if (!event.builtin && valid(event.name, "event")) claim(event.name, `event ${quote(event.name)}`, event.span);
  }
  // The same name imported twice from one module is one import (as type and value alike), not a collision.
  const imported = new Set<string>();
  for (const resource of model.resources) {
    const imports = [
      { role: "type", name: resource.type, span: resource.typeSpan ?? resource.span },
      { role: "factory", name: resource.factory, span: resource.factorySpan ?? resource.span },
    ];
    for (const { role, name, span } of imports) {
      const key = JSON.stringify([name, resource.module]);
      if (!valid(name, "import") || imported.has(key)) continue;
      imported.add(key);
      claim(name, `the ${role} ${quote(name)} imported for resource ${quote(resource.name)}`, span);
    }
  }
  return claims;
}

function methodClaims(model: SpecModel): Claim[] {
  return model.steps
    .filter((step) => identifierProblem(step.name, "step") === undefined)
    .map((step) => ({ identifier: step.method, owner: `step ${quote(step.name)}`, span: step.span }));
}

function inheritedMemberCollisions(model: SpecModel, file?: string): Diagnostic[] {
  return model.steps
    .filter((step) => WORKFLOW_MEMBERS.has(step.method) && identifierProblem(step.name, "step") === undefined)
    .map((step) => {
      const message = `step ${quote(step.name)} becomes method ${quote(step.method)}, which the generated class inherits from Workflow`;
      return diagnostic("duplicate-name", message, step.span, file);
    });
}

/** Every claim after the first on an identifier is an error at its own position, naming the first. */
function reportCollisions(claims: Claim[], where: string, file?: string): Diagnostic[] {
  const byIdentifier = new Map<string, Claim[]>();
  for (const claim of claims) {
    const list = byIdentifier.get(claim.identifier);
    if (list) list.push(claim);
    else byIdentifier.set(claim.identifier, [claim]);
  }
  const diagnostics: Diagnostic[] = [];
  // A claimant that collides twice (type `FlowState` claims `FlowState` and `FlowStateSchema`) is one error.
  const reported = new Set<string>();
  for (const [identifier, list] of byIdentifier) {
    if (list.length < 2) continue;
    const [first, ...rest] = [...list].sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
    for (const later of rest) {
      const key = `${later.span.line}:${later.span.column}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const message = `${later.owner} collides with ${first!.owner}: both become ${quote(identifier)} ${where}`;
      diagnostics.push(diagnostic("duplicate-name", message, later.span, file));
    }
  }
  return diagnostics;
}
