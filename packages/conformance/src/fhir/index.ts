/**
 * `@lienthong/conformance/fhir` — a real FHIR R4 server for tests and an independent validator,
 * so any `fhir` provider (ours or a vendor's) is proved against real FHIR semantics.
 * @packageDocumentation
 */
export { capabilityStatementDeclaring } from './capability-statement.js';
export { type FhirTestServer, type FhirTestServerOptions, startFhirTestServer } from './test-server.js';
export { indexFhirR4, validateFhir } from './validate.js';
