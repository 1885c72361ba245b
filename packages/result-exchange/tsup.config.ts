import { packageBuild } from '../../tsup.shared';

export default packageBuild({
  index: 'src/index.ts',
  fhir: 'src/fhir/index.ts',
  xml4: 'src/xml4/index.ts',
  hl7: 'src/hl7/index.ts',
  cv365: 'src/cv365/index.ts',
  formats: 'src/formats/index.ts',
  outbox: 'src/outbox/index.ts',
  'provider-kit': 'src/provider-kit/index.ts',
});
