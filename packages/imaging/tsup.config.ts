import { packageBuild } from '../../tsup.shared';

// `scanner` uses node:fs / node:zlib: a Node-only subpath, kept out of the browser-safe entries.
export default packageBuild({
  index: 'src/index.ts',
  dicomweb: 'src/dicomweb/index.ts',
  fhir: 'src/fhir/index.ts',
  scanner: 'src/scanner/index.ts',
  'provider-kit': 'src/provider-kit/index.ts',
});
