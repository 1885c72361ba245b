import {
  formatNationalDate,
  formatNationalDateTime,
  parseNationalDate,
  parseNationalDateTime,
} from '@lienthong/core';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';

/** Converts between national dates (`yyyymmdd`, `yyyymmddHHMM`) and ISO 8601, in Vietnam time. */
export function convertDate(value: string): { input: string; format: string; output: string } {
  if (/^\d{8}$/.test(value))
    return { input: value, format: 'yyyymmdd → ISO 8601', output: parseNationalDate(value) };
  if (/^\d{12}$/.test(value)) {
    return { input: value, format: 'yyyymmddHHMM → ISO 8601', output: parseNationalDateTime(value) };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value))
    return { input: value, format: 'ISO 8601 → yyyymmdd', output: formatNationalDate(value) };
  return { input: value, format: 'ISO 8601 → yyyymmddHHMM', output: formatNationalDateTime(value) };
}

/** `lienthong date <value>`. */
export function registerDateCommands(program: Command, io: CliIo): void {
  program
    .command('date')
    .description('convert national dates (yyyymmdd, yyyymmddHHMM) to and from ISO 8601 (Asia/Ho_Chi_Minh)')
    .argument('<value>', 'e.g. 202501311430 or 2025-01-31T07:30:00Z')
    .option('--json', 'print JSON')
    .action((value: string, opts: { json?: boolean }) => {
      const result = convertDate(value);
      printResult(io, opts.json === true, result, () => result.output);
    });
}
