/**
 * `npm run dev -w viewer`: builds nothing, starts a seeded hub (SYNTHETIC data) and the built
 * viewer in front of it, prints the URL, and runs until Ctrl+C. Build first: `npm run build -w viewer`.
 * Options: `--port 5173`, `--orthanc http://127.0.0.1:8042` (thumbnails from a local Orthanc);
 * `LIENTHONG_DICOM_FOLDER=<folder>` reads the DICOM fixtures from another folder. A failure prints
 * its code and both messages (no stack trace unless `DEBUG` is set) and exits 1 (3 when a service
 * cannot be reached).
 */
import { parseArgs } from 'node:util';
import { explainError } from '@lienthong/core';
import { startViewerStack, type ViewerStack } from './stack.js';

/** Prints a failure for people — `[CODE] message` in English and Vietnamese, masked — and returns the exit code. */
function explainFailure(error: unknown): number {
  const { text, retryable } = explainError(error, { stack: Boolean(process.env.DEBUG) });
  console.error(text);
  return retryable ? 3 : 1;
}

/** Parses the options and starts the seeded stack. */
async function start(): Promise<ViewerStack> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5173' },
      orthanc: { type: 'string' },
      verbose: { type: 'boolean' },
    },
  });
  return startViewerStack({
    port: Number(values.port),
    ...(values.orthanc ? { orthancUrl: values.orthanc } : {}),
    ...(process.env.LIENTHONG_DICOM_FOLDER ? { dicomFolder: process.env.LIENTHONG_DICOM_FOLDER } : {}),
    ...(values.verbose ? { verbose: true } : {}),
  });
}

const stack = await start().catch((error: unknown) => {
  process.exitCode = explainFailure(error);
});
if (stack) {
  console.log(`Hub (SYNTHETIC data): ${stack.hub.url}`);
  console.log(`Viewer:               ${stack.pageUrl}`);
  console.log(
    `Patient (synthetic):  ${stack.seed.searchId} — ${stack.seed.reports} reports, ${stack.seed.studies} studies, ${stack.seed.visits} visits`,
  );
  console.log('Ctrl+C to stop.');
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
