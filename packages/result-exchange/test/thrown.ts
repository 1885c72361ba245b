import type { LienThongError, ValidationIssue } from '@lienthong/core';

/** The error `run` throws, to inspect its code, path and messages; fails the test when nothing is thrown. */
export function thrown(run: () => unknown): LienThongError & { issues?: readonly ValidationIssue[] } {
  try {
    run();
  } catch (error) {
    return error as LienThongError;
  }
  throw new Error('expected an error');
}
