/**
 * Imported first by each hub benchmark: a typed error that reaches the top (a bad option,
 * `BENCH_OPTION_INVALID`, or one the hub refuses, such as `HUB_OPTION_INVALID`) is printed as its
 * code, path and messages in English and Vietnamese, without a stack trace, and the benchmark exits
 * with 2. Anything else is printed as Node prints it (the stack helps there) and exits with 1.
 */
import { isLienThongError } from '../../packages/core/src/index.ts';

process.on('uncaughtException', (error) => {
  if (isLienThongError(error)) {
    const at = error.path ? ` (${error.path})` : '';
    console.error(`${error.code}${at}: ${error.message}\n  ${error.messageVi}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
