// Durable runs: the journal interface and its in-memory implementation, the journaled runner, and
// what `flowspec runs` and deploy checks read from a journal. Built on flowspec/runtime/backend only.

export { journaledRunner, type JournaledRunnerOptions } from "./runner.js";
export {
  MemoryJournal,
  RunExistsError,
  RunOwnedError,
  UNFINISHED,
  workflowShape,
  shapeFingerprint,
  diffShapes,
  parseEntry,
  // For journal implementations (flowspec/sqlite): the claim and refusal rules every journal shares.
  CANCELLED_OWNER,
  cancelledOutcome,
  refusal,
  leaseStands,
  describeOwner,
} from "./journal.js";
export type {
  Journal,
  JournalEntry,
  JournalStatus,
  EntryKind,
  StoredEntry,
  RunRecord,
  RunOutcome,
  RunBatch,
  RunFilter,
  NewRun,
  Snapshot,
  WorkflowShape,
  RunLease,
  RefusedRun,
  PurgeReport,
  PurgeOptions,
} from "./journal.js";
export { LEASE_MS } from "./lease.js";
export { resumeProblems, assertResumable } from "./resumable.js";
export { shapeChanges, resumeBreaks, type ShapeChange, type Touched } from "./compat.js";
export { touchedBy } from "./rebuild.js";
