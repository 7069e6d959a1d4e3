// A module for `flowspec serve` that exports no workflow.

export const nothing = 42;
