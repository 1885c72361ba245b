/**
 * `@lienthong/patient-id/provider-kit` — for provider authors (and the exchange hub), not for
 * applications: the PDQm matching rule every `PatientDirectory` provider shares (scoring is
 * `rankCandidates`, in the main entry). The abort check, the receipt and the read-only wrapper are
 * in `@lienthong/core/contract`.
 * @packageDocumentation
 */
export { matchesQuery } from './match.js';
