import { foldVietnamese } from '@lienthong/core';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';

/** `lienthong fold <text…>` — the folding every search and match uses. */
export function registerTextCommands(program: Command, io: CliIo): void {
  program
    .command('fold')
    .description('fold Vietnamese text for search (bỏ dấu): "Đường huyết" → "duong huyet"')
    .argument('<text...>', 'text to fold')
    .option('--json', 'print JSON')
    .action((words: string[], opts: { json?: boolean }) => {
      const text = words.join(' ');
      const folded = foldVietnamese(text);
      printResult(io, opts.json === true, { text, folded }, () => folded);
    });
}
