/**
 * `@lienthong/conformance` — the suites every provider of a Liên Thông contract must pass.
 * Each contract adds `describe<Contract>Conformance(name, factory, options)` here; the cases every
 * contract shares (capabilities, abort, read-only, receipts, date windows) are `sharedCases`.
 * @packageDocumentation
 */
export {
  type CaseContext,
  type ConformanceCase,
  type ContractProvider,
  type ContractSuite,
  defineContractSuite,
  type RunOptions,
  runContractSuite,
  seedOf,
  type TestApi,
} from './contract-suite.js';
export {
  describeImagingRegistryConformance,
  type ImagingRegistryConformanceOptions,
  imagingRegistrySuite,
  syntheticImagingReferences,
} from './imaging-registry.js';
export {
  describePatientDirectoryConformance,
  patientDirectoryFixtures,
  patientDirectorySuite,
} from './patient-directory.js';
export {
  describeResultExchangeConformance,
  type ResultExchangeConformanceOptions,
  type ResultExchangeFixtures,
  resultExchangeFixtures,
  resultExchangeSuite,
} from './result-exchange.js';
export { type ContractShape, sharedCases } from './shared-cases.js';
export {
  describeVisitHistoryConformance,
  type VisitHistoryConformanceOptions,
  type VisitHistoryFixtures,
  visitHistoryFixtures,
  visitHistorySuite,
} from './visit-history.js';
