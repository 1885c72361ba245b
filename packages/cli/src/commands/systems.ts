import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';

/** `lienthong systems` — the identifier-system URIs the SDK uses by default. */
export function registerSystemsCommands(program: Command, io: CliIo): void {
  program
    .command('systems')
    .description('list the default identifier-system URIs (VN Core where it defines one)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      printResult(io, opts.json === true, DEFAULT_IDENTIFIER_SYSTEMS, () =>
        Object.entries(DEFAULT_IDENTIFIER_SYSTEMS)
          .map(([name, uri]) => `${name.padEnd(16)} ${uri}`)
          .join('\n'),
      );
    });
}
