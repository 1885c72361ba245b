import { fileURLToPath } from 'node:url';
import { packageBuild } from '../../tsup.shared';

// The validators entry must stay ≤ 3 kB min+gzip for the people who bundle it, and core's published
// build is one module whose zod schemas a bundler cannot drop. So this entry inlines the only parts
// of core it uses — the error classes and `ok`/`fail` — straight from core's sources (errors are
// recognised across copies by their global brand: `isValidationError` works, `instanceof` may not).
const coreErrorsOnly = fileURLToPath(new URL('./src/validators/core-errors.ts', import.meta.url));

export default [
  packageBuild(
    {
      index: 'src/index.ts',
      fhir: 'src/fhir/index.ts',
      'insurance-gateway': 'src/insurance-gateway/index.ts',
    },
    { clean: false },
  ),
  packageBuild(
    { validators: 'src/validators/index.ts' },
    {
      clean: false,
      noExternal: ['@lienthong/core'],
      esbuildOptions(options) {
        options.alias = { '@lienthong/core': coreErrorsOnly };
      },
    },
  ),
];
