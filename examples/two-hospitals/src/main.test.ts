import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { redactText } from '@lienthong/core';
import { expect, it } from 'vitest';
import { HOSPITAL_A, PATIENT } from './synthetic-data.js';

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));

/** Runs the demo's entry as `npm run demo` does, and collects its exit code and output. */
function runDemo(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DEBUG: _debug, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      { cwd: EXAMPLE, env: { ...inherited, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

it('a failure (a DICOM folder that does not exist) prints its code and both messages, no stack trace', async () => {
  const missing = fileURLToPath(new URL('./no-such-dicom-folder/', import.meta.url));
  const run = await runDemo({ LIENTHONG_DICOM_FOLDER: missing });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(
    '[DICOM_FOLDER_UNREADABLE] The folder cannot be read (missing, not a folder, or no permission).',
  );
  expect(run.stderr).toContain(
    '[DICOM_FOLDER_UNREADABLE] Không đọc được thư mục (không tồn tại, không phải thư mục hoặc không có quyền).',
  );
  expect(run.stderr).toContain(redactText(missing.replace(/\/$/, ''))); // long digit runs are masked
  expect(run.stderr).not.toMatch(/^\s+at /m);
  for (const id of PATIENT.identifiers) expect(run.stdout + run.stderr).not.toContain(id.value);
}, 90_000);

it('the whole story runs: B reads the visit A discharged, by personal ID, and both providers summarise it alike', async () => {
  const run = await runDemo({});
  expect(run.code, run.stderr).toBe(0);
  // A's XML 130 file set is accepted whole by the hub: one receipt for its one visit.
  expect(run.stdout).toContain(`${HOSPITAL_A.code}:SYN-A-LK-0001: created (v1)`);
  // B sees A's main diagnosis with its Vietnamese ICD-10 name, the medications and the stay.
  const pneumonia = (await loadIcd10()).lookup('J18.9')!.display;
  expect(run.stdout).toContain(`bệnh chính / main: J18.9 ${pneumonia}`);
  expect(run.stdout).toMatch(/thuốc \/ medications: Ceftriaxon 1g/);
  expect(run.stdout).toMatch(/\d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2} \(MA_LOAI_KCB 03\)/);
  expect(run.stdout).toContain('3 bệnh / problems');
  // The provider swap: the FHIR visit history gives the hub's summary, and the one line is shown.
  expect(run.stdout).toContain('visitsB = createFhirVisitHistory(');
  expect(run.stdout).toContain('same summary: yes');
  expect(run.stdout).toContain('same answer ✔');
  for (const id of PATIENT.identifiers) expect(run.stdout).not.toContain(id.value);
}, 90_000);
