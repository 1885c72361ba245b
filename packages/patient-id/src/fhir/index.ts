/**
 * `@lienthong/patient-id/fhir` — a `PatientDirectory` over any FHIR R4 server, through IHE PDQm
 * searches and `$match`, and PIXm `$ihe-pix`. The server's CapabilityStatement (`/metadata`) is
 * read once: operations it does not declare are replaced by plain searches (many servers, e.g.
 * Medplum's, implement neither), scored by this package's matcher.
 * @packageDocumentation
 */
export { createFhirPatientDirectory, type FhirPatientDirectoryOptions } from './directory.js';
