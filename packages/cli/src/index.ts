/**
 * The `lienthong` command line, also usable as a library (`runCli(argv, io)`) to embed or test it.
 * @packageDocumentation
 */
export { convertDate } from './commands/date.js';
export { type CliIo, EXIT, exitCodeOf, printResult, reportError } from './io.js';
export { createProgram, runCli } from './program.js';
export { VERSION } from './version.js';
