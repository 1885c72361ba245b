import { ValidationError } from '@lienthong/core';
import { EXIT } from '../io.js';

/** A usage error of a command (exit code 2). */
export function usage(code: string, message: string, messageVi: string, path: string): ValidationError {
  return new ValidationError({ code, path, message, messageVi, details: { exitCode: EXIT.usage } });
}

/** The facility's key: `--key`, else `LIENTHONG_HUB_KEY` (a key on the command line shows in `ps`). */
export function hubKeyOf(opts: { key?: string }): string {
  const key = opts.key ?? process.env.LIENTHONG_HUB_KEY;
  if (!key)
    throw usage(
      'CLI_HUB_KEY_MISSING',
      'Give the facility key with --key or LIENTHONG_HUB_KEY',
      'Hãy cung cấp khóa của cơ sở bằng --key hoặc LIENTHONG_HUB_KEY',
      '--key',
    );
  return key;
}
