// --- CirrusVolume: a CloudVolume that refuses writes without provenance (volumes.md §8.1) ---
export { CirrusVolume, type CirrusFields, type CirrusVolumeOptions, type NoteOptions, type TransferOptions } from './volume.js'
export { checkWritingRules, findProblems, type CheckedFields, type WritingFields } from './rules.js'

// --- processes and code environments (§8.3, §8.4) ---
export { Process, processAbsent, codefileAbsent, checkEnvFilename, type CodeEnv, type ProcessingEntry } from './process.js'
export {
  DockerEnv,
  GitRepoEnv,
  NodePackagesEnv,
  repoNameFromUrl,
  stripCredentials,
  type DockerCaptureOptions,
  type DockerEnvOptions,
  type DockerFromEnvironmentOptions,
  type GitCaptureOptions,
  type GitRepoEnvFields,
  type NodePackagesEnvFields,
} from './envs.js'
export { parsePackageLock, parsePnpmLock, type LockfilePackages, type PackageList } from './lockfile.js'

// --- notes in the provenance description (§8.2) ---
export {
  FIELD_SEPARATOR,
  NOTE_SEPARATOR,
  NoteType,
  appendNote,
  formatNote,
  formatTimestamp,
  noteAbsent,
  noteContentProblem,
  parseNotes,
  parseTimestamp,
  type Note,
} from './notes.js'

// --- recording provenance (locked read-modify-write) ---
export { applyRequest, editProvenance, recordProvenance, withProvenanceLock, type DocumentRequest, type NoteRequest } from './log.js'
export { jsonEqual, toJsonValue, type JsonObject, type JsonValue } from './json.js'

// --- errors ---
export {
  CirrusError,
  ProvenanceRequiredError,
  isCirrusError,
  isProvenanceRequiredError,
  type CirrusErrorCode,
  type InvalidField,
  type RuleField,
} from './errors.js'
