// The module-level names a generated module derives from the workflow's name. One list, so the
// collision checks and the emitter can never disagree about which names are taken.

/** Each derived name: its suffix after the workflow name, and what it is (for diagnostics). */
export const DERIVED_WORKFLOW_NAMES = {
  base: { suffix: "Base", what: "the base class" },
  state: { suffix: "State", what: "the state type" },
  stateSchema: { suffix: "StateSchema", what: "the state schema" },
  resources: { suffix: "Resources", what: "the resources type" },
  steps: { suffix: "Steps", what: "the steps interface" },
  context: { suffix: "Context", what: "the step context type" },
  streamable: { suffix: "Streamable", what: "the streamable events type" },
} as const;

export type WorkflowNames = { readonly workflow: string } & { readonly [K in keyof typeof DERIVED_WORKFLOW_NAMES]: string };

/** `JokeFlow` → `{ workflow: "JokeFlow", base: "JokeFlowBase", state: "JokeFlowState", … }`. */
export function workflowNames(workflow: string): WorkflowNames {
  const names: Record<string, string> = { workflow };
  for (const [key, { suffix }] of Object.entries(DERIVED_WORKFLOW_NAMES)) names[key] = `${workflow}${suffix}`;
  return names as WorkflowNames;
}
