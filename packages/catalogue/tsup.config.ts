import { packageBuild } from '../../tsup.shared';

export default packageBuild({
  index: 'src/index.ts',
  import: 'src/import/index.ts',
  xlsx: 'src/xlsx.ts',
  fhir: 'src/fhir/index.ts',
  units: 'src/units.ts',
});
