import { packageBuild } from '../../tsup.shared';

// `summary-worker` is no export of the package: it is the file the summary workers run
// (`src/summary/summary-pool.ts` finds it beside the module that starts them).
export default packageBuild(
  { index: 'src/index.ts', 'summary-worker': 'src/summary/summary-worker.ts' },
  { platform: 'node' },
);
