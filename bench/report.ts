// One line per figure for `npm run bench`'s summary table. Each benchmark prints its own tables;
// the figures that have an anchor or a limit measured in the same run are also printed as a
// marked JSON line, which bench/all.ts collects.

/** The mark that starts a summary line. */
export const SUMMARY_MARK = "@flowspec-bench ";

/** A figure, the anchor or limit it is compared with (measured in the same run), and the goal. */
export interface Summary {
  /** Which benchmark, e.g. "runtime". */
  readonly bench: string;
  /** What is measured, e.g. "ping-pong events/s". */
  readonly figure: string;
  /** Our value, formatted. */
  readonly ours: string;
  /** The anchor or limit, named with its value, e.g. "hand-written loop 20.3M/s". */
  readonly against: string;
  /** ours ÷ against, as the goal states it (its direction is in `goal`). */
  readonly ratio: number;
  /** The goal, e.g. "≤ 3×", and whether this run met it. */
  readonly goal?: string;
  readonly met?: boolean;
}

/** Prints a summary line (after the benchmark's own table). */
export function summarize(s: Summary): void {
  console.log(SUMMARY_MARK + JSON.stringify(s));
}
