import { packageBuild } from '../../tsup.shared';

export default packageBuild({
  index: 'src/index.ts',
  validators: 'src/validators/index.ts',
  fhir: 'src/fhir/index.ts',
  'insurance-gateway': 'src/insurance-gateway/index.ts',
  'provider-kit': 'src/provider-kit/index.ts',
});
