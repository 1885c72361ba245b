import { packageBuild } from '../../tsup.shared';

export default packageBuild({
  index: 'src/index.ts',
  xml130: 'src/xml130/index.ts',
  fhir: 'src/fhir/index.ts',
  'provider-kit': 'src/provider-kit/index.ts',
});
