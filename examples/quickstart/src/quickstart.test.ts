import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));

/** Runs the quickstart as `npm start -w quickstart -- …args` does, and collects its exit code and output. */
function runQuickstart(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DEBUG: _debug, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/quickstart.ts', ...args],
      { cwd: EXAMPLE, env, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

it('runs end to end', async () => {
  const run = await runQuickstart([]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toContain('CCCD 001*******45: born 2003');
  expect(run.stdout).toContain('found QS-0001 (final): 5.4 mmol/L');
}, 60_000);

it('a failure (an ID of the other sex) prints its code and both messages, no stack trace', async () => {
  const run = await runQuickstart(['001303012345']); // SYNTHETIC: a woman born 2003, checked against "male"
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    '[CITIZEN_ID_SEX_MISMATCH] Personal ID encodes the other sex.\n' +
      '[CITIZEN_ID_SEX_MISMATCH] Số định danh mang giới tính khác.\n',
  );
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stdout + run.stderr).not.toContain('001303012345');
}, 60_000);
