import { packageBuild } from '../../tsup.shared';

export default packageBuild({ index: 'src/index.ts', fhir: 'src/fhir/index.ts' }, { platform: 'node' });
