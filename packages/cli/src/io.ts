import { isLienThongError, isTransportError, type LienThongError, toLienThongError } from '@lienthong/core';

/** Where the CLI writes: stdout for results, stderr for progress, warnings and errors. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Language of human messages (`LIENTHONG_LANG=en`, default Vietnamese + English). */
  lang: 'vi' | 'en' | 'both';
  /** Where a long command shows its progress (a terminal's stderr); absent: no progress. */
  progress?: (text: string) => void;
}

/**
 * A progress callback `(done, total)` that writes `label done/total` to `io.progress` at most once
 * per tenth of the work and at the end; a no-op without `io.progress`.
 */
export function progressOf(io: CliIo, label: string): ((done: number, total: number) => void) | undefined {
  const show = io.progress;
  if (!show) return undefined;
  let shown = -1;
  return (done, total) => {
    const step = Math.floor((done * 10) / Math.max(total, 1));
    if (step === shown && done !== total) return;
    shown = step;
    show(`${label} ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/** Exit codes shared by every command (docs/en/guide/getting-started.md). */
export const EXIT = { ok: 0, invalid: 1, usage: 2, unavailable: 3 } as const;

/** Writes a command's result: one JSON document with `--json`, else the human text. */
export function printResult(io: CliIo, json: boolean, data: unknown, human: () => string): void {
  io.stdout(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}

/**
 * Thrown by a command that has printed its whole result and still ends with `exitCode` (a check
 * that found errors): the program returns the code and prints nothing more.
 */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}

/**
 * Exit code of an error: a usage error (`details.exitCode` 2, e.g. a format not supported) → 2,
 * remote unavailable → 3, anything else the user can fix → 1.
 */
export function exitCodeOf(error: LienThongError): number {
  if (error.details?.exitCode === EXIT.usage) return EXIT.usage;
  if (isTransportError(error) && (error.retryable || error.status === undefined)) return EXIT.unavailable;
  return EXIT.invalid;
}

/** Reports an error (its code first) on stderr, or as JSON on stdout with `--json`, and returns the exit code. */
export function reportError(io: CliIo, json: boolean, thrown: unknown): number {
  const error = isLienThongError(thrown) ? thrown : toLienThongError(thrown);
  if (json) {
    io.stdout(`${JSON.stringify({ ok: false, error: error.toJSON() }, null, 2)}\n`);
  } else {
    const text =
      io.lang === 'en'
        ? error.message
        : io.lang === 'vi'
          ? error.messageVi
          : `${error.messageVi}\n  ${error.message}`;
    io.stderr(`lienthong: ${error.code}${error.path ? ` (${error.path})` : ''}: ${text}\n`);
  }
  return exitCodeOf(error);
}
