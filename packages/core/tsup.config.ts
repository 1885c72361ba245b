import { packageBuild } from '../../tsup.shared';

// Every source module is its own entry, so the published build keeps core's module graph and a
// consumer's bundler drops whole modules it does not use (`sideEffects: false`): importing the
// error classes does not pull in zod or ky. Only `index`, `fhir/index` (`./fhir`) and
// `contract/index` (`./contract`) are exported.
export default packageBuild(
  { index: 'src/index.ts' },
  { entry: ['src/**/*.ts', '!src/**/*.test.ts'], splitting: true },
);
