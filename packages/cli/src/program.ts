import { Command, CommanderError } from 'commander';
import { registerCatalogueCommands } from './commands/catalogue.js';
import { registerDateCommands } from './commands/date.js';
import { registerHubCommands } from './commands/hub.js';
import { registerIdCommands } from './commands/id.js';
import { registerImagingCommands } from './commands/imaging.js';
import { registerResultsCommands } from './commands/results.js';
import { registerSystemsCommands } from './commands/systems.js';
import { registerTextCommands } from './commands/text.js';
import { registerVisitsCommands } from './commands/visits.js';
import { CliExit, type CliIo, EXIT, reportError } from './io.js';
import { VERSION } from './version.js';

/** Each capability package contributes one `register…Commands(program, io)`; add yours here. */
const COMMAND_GROUPS = [
  registerTextCommands,
  registerDateCommands,
  registerSystemsCommands,
  registerCatalogueCommands,
  registerIdCommands,
  registerImagingCommands,
  registerResultsCommands,
  registerVisitsCommands,
  registerHubCommands,
];

/** Builds the `lienthong` program writing to `io` (tests pass their own). */
export function createProgram(io: CliIo): Command {
  const program = new Command('lienthong')
    .description(
      'Liên Thông — Vietnamese health-data interoperability (danh mục, định danh, kết quả, hình ảnh)',
    )
    .version(VERSION, '-v, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const register of COMMAND_GROUPS) register(program, io);
  return program;
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code: 0 success,
 * 1 invalid input or failed check, 2 usage error, 3 remote unavailable. Never throws.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliExit) return error.exitCode;
    return reportError(io, argv.includes('--json'), error);
  }
}
