/**
 * @daf/cli — the `daf` command. `runCli(argv)` runs it in-process and resolves to the exit code;
 * `createProgram()` gives the commander program (to embed or extend it).
 */
export { createProgram, runCli, type Action, type CreateProgramOptions } from './program.js'
export { CliContext, DATASTACK_ENV, SERVER_ENV, type GlobalOptions } from './context.js'
export { CliError, EXIT_INPUT, EXIT_OK, EXIT_SERVER, EXIT_USAGE, exitCodeOf, oneLine, type ExitCode } from './errors.js'
export { createOutput, maskToken, toJsonText, toJsonValue, type Output, type Streams } from './output.js'
export { createProgress, progressEnabled, type Progress, type ProgressOptions } from './progress.js'
export { csvToRecords, formatCsv, parseBounds, parseCsv, parseVec3, type Box, type CsvTable, type Vec3 } from './input.js'
export { decodeNpy, encodeNpy, type NpyArray } from './npy.js'
export { VERSION } from './version.js'
