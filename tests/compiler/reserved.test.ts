// Step methods may not take a member of the runtime's Workflow class: a step `resume_all` would become
// method `resumeAll` and replace the runtime's own (TypeScript's `private` does not exist at run
// time). The list in compiler/checks/reserved.ts is tied to the runtime here, by enumerating the class
// as it is when the tests run, so a member the runtime adds fails this test until it is reserved.

import { describe, expect, test } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { WORKFLOW_MEMBERS } from "../../compiler/reserved.js";
import { Workflow } from "../../runtime/workflow.js";

/** Every string-named member on Workflow.prototype and its ancestors, Object.prototype included. */
function runtimeMembers(): string[] {
  const names = new Set<string>();
  for (let proto: object | null = Workflow.prototype; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
  }
  return [...names].sort();
}

/** The step name whose method is `method` (`resumeAll` → `resume_all`). */
function stepNameFor(method: string): string {
  return method.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

describe("reserved step methods", () => {
  const members = runtimeMembers();

  test("the runtime's Workflow has the members this test knows are dangerous", () => {
    expect(members).toEqual(expect.arrayContaining(["run", "resume", "resumeAll", "constructor", "toString"]));
  });

  test("every member of Workflow.prototype (and its ancestors) is reserved", () => {
    expect(members.filter((name) => !WORKFLOW_MEMBERS.has(name))).toEqual([]);
  });

  for (const method of [...members, "then"]) {
    const step = stepNameFor(method);
    test(`a step named ${step} (method ${method}) is an error at the step`, () => {
      const source = `flowspec: 1\nworkflow: Flow\nsteps:\n  ${JSON.stringify(step)}: { accepts: StartEvent, emits: StopEvent }\n`;
      const { diagnostics } = analyze(source, { path: "flow.yaml" });
      const errors = diagnostics.filter((d) => d.severity === "error").map(({ code, line, column }) => ({ code, line, column }));
      expect(errors).toContainEqual({ code: expect.stringMatching(/^(duplicate-name|invalid-identifier)$/), line: 4, column: 3 });
    });
  }
});
