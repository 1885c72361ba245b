/**
 * `npm run dev -w viewer`: builds nothing, starts a seeded hub (SYNTHETIC data) and the built
 * viewer in front of it, prints the URL, and runs until Ctrl+C. Build first: `npm run build -w viewer`.
 * Options: `--port 5173`, `--orthanc http://127.0.0.1:8042` (thumbnails from a local Orthanc).
 */
import { parseArgs } from 'node:util';
import { startViewerStack } from './stack.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5173' },
    orthanc: { type: 'string' },
    verbose: { type: 'boolean' },
  },
});
const stack = await startViewerStack({
  port: Number(values.port),
  ...(values.orthanc ? { orthancUrl: values.orthanc } : {}),
  ...(values.verbose ? { verbose: true } : {}),
});
console.log(`Hub (SYNTHETIC data): ${stack.hub.url}`);
console.log(`Viewer:               ${stack.pageUrl}`);
console.log(
  `Patient (synthetic):  ${stack.seed.searchId} — ${stack.seed.reports} reports, ${stack.seed.studies} studies`,
);
console.log('Ctrl+C to stop.');
const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
