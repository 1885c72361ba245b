import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { redactText } from '@lienthong/core';
import { expect, it } from 'vitest';
import { SYNTHETIC_PATIENT } from './seed.js';

const EXAMPLE = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the dev server's entry as `npm run dev -w viewer` does, and collects its exit code and output. */
function runDev(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DEBUG: _debug, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/server/dev.ts', '--port', '0'],
      { cwd: EXAMPLE, env: { ...inherited, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

it('a failure while seeding (a DICOM folder that does not exist) prints its code and both messages, no stack trace', async () => {
  const missing = fileURLToPath(new URL('./no-such-dicom-folder', import.meta.url));
  const shown = redactText(missing); // the path as printed: long digit runs are masked
  const run = await runDev({ LIENTHONG_DICOM_FOLDER: missing });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    `[DICOM_FOLDER_UNREADABLE] The folder cannot be read (missing, not a folder, or no permission). (${shown})\n` +
      `[DICOM_FOLDER_UNREADABLE] Không đọc được thư mục (không tồn tại, không phải thư mục hoặc không có quyền). (${shown})\n`,
  );
  expect(run.stderr).not.toMatch(/^\s+at /m);
  for (const id of SYNTHETIC_PATIENT.identifiers) expect(run.stdout + run.stderr).not.toContain(id.value);
}, 90_000);
