// Whether a journaled run may be resumed by this version of its workflow (compat.ts's rule), as an
// error that names every difference that stands in the way.

import { resumeBreaks } from "./compat.js";
import { touchedBy } from "./rebuild.js";
import { diffShapes, type Journal, type RunRecord } from "./journal.js";
import { JournalMismatchError, namesOnly, type WorkflowShape } from "../backend.js";

/** The differences that stop `record`'s run from resuming on `shape`; empty when it can. */
export function resumeProblems(journal: Journal, record: RunRecord, shape: WorkflowShape, fingerprint: string): string[] {
  if (record.fingerprint === fingerprint) return [];
  // A shape recorded before fields were (version 1) is unknown: only names and kinds can be compared.
  if (record.shape.version !== 2 || shape.version !== 2) return diffShapes(namesOnly(record.shape), namesOnly(shape));
  return resumeBreaks(record.shape, shape, touchedBy(journal, record));
}

/** Throws `JournalMismatchError` unless `record`'s run can be resumed by this version of `workflow`. */
export function assertResumable(journal: Journal, record: RunRecord, workflow: string, shape: WorkflowShape, fingerprint: string): void {
  if (record.workflow !== workflow) {
    throw new JournalMismatchError(`Run "${record.runId}" in ${journal.location} belongs to workflow ${record.workflow}, not ${workflow}`, [record.workflow]);
  }
  const problems = resumeProblems(journal, record, shape, fingerprint);
  if (problems.length === 0) return;
  throw new JournalMismatchError(
    `Run "${record.runId}" in ${journal.location} was journaled by another version of ${workflow}, and the changes break it: ${problems.join("; ")}. ` +
      `It is refused rather than replayed wrongly; finish it with the old version, or start a new run.`,
    problems,
  );
}
