import { packageBuild } from '../../tsup.shared';

export default packageBuild(
  {
    index: 'src/index.ts',
    bundled: 'src/bundled.ts',
    import: 'src/import/index.ts',
    xlsx: 'src/xlsx.ts',
    fhir: 'src/fhir/index.ts',
    icd10: 'src/icd10/index.ts',
    systems: 'src/systems.ts',
    units: 'src/units.ts',
  },
  {
    // Keep Vietnamese text as UTF-8 in the bundled releases (ASCII escapes would double their size).
    esbuildOptions(options) {
      options.charset = 'utf8';
    },
  },
);
